import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveError, globSelector, selectedArchive, selectedFiles, workspacePath } from './tar-entries.ts';

const exec = promisify(execFile);

describe('reading uploaded tar.gz archives', () => {
  let dir: string;
  let archive: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-tar-'));
    const ws = path.join(dir, 'ws');
    await mkdir(path.join(ws, 'dist/sub'), { recursive: true });
    await mkdir(path.join(ws, 'node_modules/.bin'), { recursive: true });
    await writeFile(path.join(ws, 'dist/app.bin'), Buffer.alloc(100_000, 7));
    await writeFile(path.join(ws, 'dist/sub/b.txt'), 'b');
    await writeFile(path.join(ws, 'secret.txt'), 'not selected');
    await writeFile(path.join(ws, 'node_modules/tool.js'), 'tool');
    await symlink('../tool.js', path.join(ws, 'node_modules/.bin/tool'));
    await symlink('/etc/passwd', path.join(ws, 'node_modules/.bin/out'));
    archive = path.join(dir, 'up.tgz');
    await exec('tar', ['-czf', archive, '-C', ws, './dist', './secret.txt', './node_modules']);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('yields the regular files the globs select, with sizes and bytes, skipping unread ones', async () => {
    const seen: Array<[string, number, number]> = [];
    for await (const entry of selectedFiles(createReadStream(archive), ['dist/**', 'node_modules'])) {
      const bytes = entry.path === 'dist/sub/b.txt' ? -1 : (await buffer(entry.stream)).length;
      seen.push([entry.path, entry.size, bytes]);
    }
    expect(seen.sort()).toEqual([
      ['dist/app.bin', 100_000, 100_000],
      ['dist/sub/b.txt', 1, -1],
      ['node_modules/tool.js', 4, 4],
    ]);
  });

  it('re-writes an archive with the selection, keeping links that stay inside', async () => {
    const out = path.join(dir, 'out.tgz');
    await writeFile(out, await buffer(selectedArchive(createReadStream(archive), ['node_modules'])));
    const { stdout } = await exec('tar', ['-tvzf', out]);
    const names = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/\s+/).slice(5).join(' '))
      .sort();
    expect(names).toEqual(['node_modules/.bin/tool -> ../tool.js', 'node_modules/tool.js']);
  });

  it('refuses what is not a tar.gz', async () => {
    const read = async () => {
      for await (const entry of selectedFiles(Readable.from([Buffer.from('not gzip at all')]), ['x'])) {
        entry.stream.resume();
      }
    };
    await expect(read()).rejects.toBeInstanceOf(ArchiveError);
    await expect(buffer(selectedArchive(Readable.from([Buffer.from('nope')]), ['x']))).rejects.toBeInstanceOf(
      ArchiveError,
    );
  });

  it('keeps paths inside the workspace and applies the directory rule', () => {
    expect(workspacePath('./dist/a')).toBe('dist/a');
    expect(workspacePath('../x')).toBeNull();
    expect(workspacePath('/etc/passwd')).toBeNull();
    expect(workspacePath('a/../../x')).toBeNull();
    const selected = globSelector(['dist', 'reports/*.xml']);
    expect(['dist/a/b', 'distant', 'reports/a.xml', 'reports/n/a.xml'].filter(selected)).toEqual([
      'dist/a/b',
      'reports/a.xml',
    ]);
  });
});
