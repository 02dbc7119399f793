import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greet } from './greet.js';

test('greets by name', () => {
  assert.equal(greet('Slipway'), 'Hello, Slipway!');
});

test('needs a name', () => {
  assert.throws(() => greet(''), /name is required/);
});
