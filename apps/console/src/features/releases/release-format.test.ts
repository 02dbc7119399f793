import type { ConfigEntryChange } from '@slipway/contracts';
import { describe, expect, it } from 'vitest';
import {
  canPromote,
  canRollBackTo,
  configLabel,
  configValueCell,
  lineCount,
  manifestsLabel,
  nextEnvironment,
} from './release-format.ts';

describe('release formatting', () => {
  it('offers a rollback only to a release that was live once and is not live now', () => {
    expect(canRollBackTo('succeeded')).toBe(false);
    expect(canRollBackTo('superseded')).toBe(true);
    expect(canRollBackTo('rolled-back')).toBe(true);
    expect(canRollBackTo('failed')).toBe(false);
    expect(canRollBackTo('deploying')).toBe(false);
  });

  it('names the manifests by set version, else by repository path and commit', () => {
    const none = { manifestSet: null, manifestPath: null, commit: null };
    expect(manifestsLabel({ ...none, manifestSet: { name: 'web', version: 3 } })).toBe('web@3');
    expect(manifestsLabel({ ...none, manifestPath: 'deploy/', commit: '0123456789abcdef' })).toBe(
      'deploy/ at 01234567',
    );
    expect(manifestsLabel({ ...none, manifestPath: 'deploy/' })).toBe('deploy/');
    expect(manifestsLabel(none)).toBe('—');
  });

  it('lists the config set versions', () => {
    const config = [
      { name: 'app-config', version: 2, configMapName: 'app-config-v2' },
      { name: 'flags', version: 5, configMapName: 'flags-v5' },
    ];
    expect(configLabel({ config })).toBe('app-config v2, flags v5');
    expect(configLabel({ config: [] })).toBe('');
  });

  it('tells a hidden secret value from a key missing on one side', () => {
    const entry = (change: ConfigEntryChange['change'], old: string | null, next: string | null) => ({
      key: 'k',
      change,
      old,
      new: next,
    });
    expect(configValueCell(entry('changed', 'a', 'b'), 'old')).toEqual({ kind: 'value', text: 'a' });
    expect(configValueCell(entry('changed', null, null), 'new')).toEqual({ kind: 'hidden' });
    expect(configValueCell(entry('added', null, 'b'), 'old')).toEqual({ kind: 'absent' });
    expect(configValueCell(entry('added', null, null), 'new')).toEqual({ kind: 'hidden' });
    expect(configValueCell(entry('removed', 'a', null), 'new')).toEqual({ kind: 'absent' });
    expect(configValueCell(entry('unchanged', '', ''), 'old')).toEqual({ kind: 'value', text: '' });
  });

  it('counts the lines of a YAML text', () => {
    expect(lineCount(null)).toBe(1);
    expect(lineCount('a: 1\n')).toBe(1);
    expect(lineCount('a: 1\nb: 2')).toBe(2);
  });
});

describe('promotion', () => {
  it('promotes releases that went live once, not a failed or automatically rolled-back one', () => {
    expect(canPromote({ status: 'succeeded', message: null })).toBe(true);
    expect(canPromote({ status: 'superseded', message: null })).toBe(true);
    expect(canPromote({ status: 'rolled-back', message: null })).toBe(true);
    expect(canPromote({ status: 'rolled-back', message: 'rolled back automatically: probe failed' })).toBe(
      false,
    );
    expect(canPromote({ status: 'failed', message: null })).toBe(false);
    expect(canPromote({ status: 'queued', message: null })).toBe(false);
  });

  it('finds the next environment by order, whatever order they are listed in', () => {
    const environments = [
      { name: 'prod', order: 30 },
      { name: 'dev', order: 10 },
      { name: 'test', order: 20 },
    ];
    expect(nextEnvironment(environments, 'dev')?.name).toBe('test');
    expect(nextEnvironment(environments, 'test')?.name).toBe('prod');
    expect(nextEnvironment(environments, 'prod')).toBeUndefined();
    expect(nextEnvironment(environments, 'gone')).toBeUndefined();
    // One sharing the current order is not next; of several at the next order, the first by name.
    const shared = [...environments, { name: 'dev-eu', order: 10 }, { name: 'qa', order: 20 }];
    expect(nextEnvironment(shared, 'dev')?.name).toBe('qa');
  });
});
