import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadOrCreateSecretKey, parseSecretKey } from './secret-box.ts';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.encrypt('apiVersion: v1\nkind: Config\ntoken: s3cr3t');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('s3cr3t');
    expect(box.decrypt(sealed)).toBe('apiVersion: v1\nkind: Config\ntoken: s3cr3t');
  });

  it('uses a fresh IV each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a wrong key and tampered data', () => {
    const sealed = box.encrypt('secret');
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
    expect(() => box.decrypt(`v1:${bytes.toString('base64')}`)).toThrow();
  });

  it('parses 32-byte keys in base64 or hex only', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('hex'))?.equals(key)).toBe(true);
    expect(parseSecretKey('too-short')).toBeUndefined();
  });

  it('generates a private key file once and reads it back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-key-'));
    const first = await loadOrCreateSecretKey(undefined, dir);
    expect(first.source).toBe('generated');
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateSecretKey(undefined, dir);
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
    expect((await readFile(path.join(dir, 'secret.key'), 'utf8')).trim()).toBe(first.key.toString('base64'));
  });
});
