// Reading (and re-writing) the tar.gz bodies jobs upload, as streams: entries filtered by
// the job's globs, exactly (picomatch), never buffered whole.
import path from 'node:path/posix';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import picomatch from 'picomatch';
import { extract, pack } from 'tar-stream';

/** One entry of an archive being read (tar-stream's streamx readable with its header). */
type Entry = ReturnType<typeof extract> extends AsyncIterable<infer E> ? E : never;

/** One regular file of an upload: its path relative to the workspace, size in bytes, bytes. */
export interface FileEntry {
  path: string;
  size: number;
  stream: Readable;
}

/** The body is not a tar.gz archive (or it broke off): the upload is refused (400). */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * Whether a relative path is selected by the globs: it matches one (picomatch, `dot: true`:
 * hidden files too), or lies under a directory that matches one — a glob naming a
 * directory includes what is under it. The scripts pre-filter with the same rule
 * (`globsRegex` in @slipway/pipeline); this check is the one that counts.
 */
export function globSelector(globs: readonly string[]): (relative: string) => boolean {
  const matchers = globs.map((glob) => picomatch(glob.replace(/^\.\//, ''), { dot: true }));
  return (relative) => {
    const parts = relative.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (matchers.some((matches) => matches(prefix))) return true;
    }
    return false;
  };
}

/** An entry's name as a path inside the workspace (`./dist/a` → `dist/a`), or null when it leaves it. */
export function workspacePath(name: string): string | null {
  const normal = path.normalize(name.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (normal === '.' || normal === '' || normal.startsWith('/') || normal.split('/').includes('..'))
    return null;
  return normal;
}

/** Whether a symbolic link at `at` pointing to `target` stays inside the workspace. */
function linkStaysInside(at: string, target: string | null | undefined): boolean {
  if (!target || target.startsWith('/')) return false;
  return workspacePath(path.join(path.dirname(at), target)) !== null;
}

/** Resolves once the entry has been read to its end (or destroyed). */
function drained(entry: Entry): Promise<void> {
  return new Promise((resolve) => {
    if (entry.destroyed) return resolve();
    entry.once('close', () => resolve());
  });
}

/**
 * The raw entries of a tar.gz stream, each with its end (`drained`); what the consumer
 * leaves unread of an entry is skipped before the next one comes. An error of the gzip or
 * tar layer, or of the upload, is an ArchiveError.
 */
async function* rawEntries(body: Readable): AsyncGenerator<Entry> {
  const gunzip = createGunzip();
  const extractor = extract();
  gunzip.on('error', (error) =>
    extractor.destroy(new ArchiveError(`the body is not a tar.gz archive: ${error.message}`)),
  );
  body.on('error', (error) => extractor.destroy(new ArchiveError(`the upload broke off: ${error.message}`)));
  body.pipe(gunzip).pipe(extractor as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extractor) {
      const done = drained(entry);
      yield entry;
      entry.resume();
      await done;
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(`the body is not a tar.gz archive: ${(error as Error).message}`);
  } finally {
    body.unpipe(gunzip);
    body.resume();
  }
}

/** The entry's bytes as a Node stream. */
function nodeStream(entry: Entry): Readable {
  const out = new PassThrough();
  entry.on('error', (error: Error) => out.destroy(error));
  entry.pipe(out);
  return out;
}

/**
 * The regular files of a tar.gz upload that the globs select, one at a time (the consumer
 * reads each `stream` before asking for the next; what it leaves unread is skipped).
 * Directories, links and anything outside the workspace are left out.
 */
export async function* selectedFiles(body: Readable, globs: readonly string[]): AsyncGenerator<FileEntry> {
  const selected = globSelector(globs);
  for await (const entry of rawEntries(body)) {
    const relative = workspacePath(entry.header.name);
    const type = entry.header.type ?? 'file';
    if (!relative || (type !== 'file' && type !== 'contiguous-file') || !selected(relative)) continue;
    const stream = nodeStream(entry);
    yield { path: relative, size: entry.header.size ?? 0, stream };
    stream.resume(); // what the consumer left unread is skipped
  }
}

/**
 * A tar.gz upload re-written with only what the globs select: regular files, and symbolic
 * links that point inside the workspace (a cache of `node_modules` keeps its `.bin` links).
 * Streamed: the result is read as the upload arrives. An ArchiveError ends it with that error.
 */
export function selectedArchive(body: Readable, globs: readonly string[]): Readable {
  const selected = globSelector(globs);
  const packer = pack();
  const out = new PassThrough();
  const gzip = createGzip();
  gzip.on('error', (error) => out.destroy(error));
  packer.on('error', (error: Error) => out.destroy(error));
  packer.pipe(gzip).pipe(out);
  void (async () => {
    try {
      for await (const entry of rawEntries(body)) {
        const relative = workspacePath(entry.header.name);
        if (!relative || !selected(relative)) continue;
        const header = { name: relative, mode: entry.header.mode, mtime: entry.header.mtime };
        if (entry.header.type === 'symlink' && linkStaysInside(relative, entry.header.linkname)) {
          await new Promise<void>((resolve, reject) =>
            packer.entry({ ...header, type: 'symlink', linkname: entry.header.linkname }, (error) =>
              error ? reject(error) : resolve(),
            ),
          );
        } else if ((entry.header.type ?? 'file') === 'file') {
          await new Promise<void>((resolve, reject) => {
            const sink = packer.entry({ ...header, type: 'file', size: entry.header.size ?? 0 }, (error) =>
              error ? reject(error) : resolve(),
            );
            entry.on('error', reject);
            entry.pipe(sink);
          });
        }
      }
      packer.finalize();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
