// Artifact entries from in-memory files, and a .tar.gz read back into them (the artifact tests).
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';

/** `saveJobArtifacts` entries from `{ path: bytes }`, in order. */
export async function* entriesOf(files: Record<string, Buffer>) {
  for (const [path, data] of Object.entries(files)) {
    yield { path, size: data.length, stream: Readable.from([data]) };
  }
}

/** The regular files of a .tar.gz, by path, in archive order. */
export async function readTarGz(archive: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  Readable.from([zlib.gunzipSync(archive)]).pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return files;
}
