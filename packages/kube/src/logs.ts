import { PassThrough, type Readable } from 'node:stream';
import { type KubeConfig, Log } from '@kubernetes/client-node';

export interface PodLogOptions {
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceTime?: string;
}

/**
 * Streams one container's log. The HTTP body is piped into the returned stream, so a slow
 * reader pauses the download (back-pressure) and nothing holds the whole log in memory.
 * Destroying the stream ends the request.
 */
export async function streamPodLogs(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  options: PodLogOptions = {},
): Promise<Readable> {
  const output = new PassThrough({ highWaterMark: 64 * 1024 });
  // The client pipes the HTTP body into `output` without listening for its errors; closing
  // early aborts that body, so swallow its AbortError here (other errors reach `done`).
  output.once('pipe', (source: Readable) => {
    source.on('error', () => undefined);
  });
  const controller = await new Log(kc).log(
    target.namespace,
    target.pod,
    target.container,
    output,
    (error: unknown) => {
      if (error) output.destroy(error instanceof Error ? error : new Error(String(error)));
    },
    { follow: options.follow ?? false, timestamps: options.timestamps ?? false, ...options },
  );
  output.on('close', () => controller.abort());
  return output;
}
