import { PassThrough, type Readable } from 'node:stream';

/**
 * A followed log stream from byte `fromByte` on: skips what is archived already (however
 * the source's reads fall around that byte), passes the rest on with back-pressure, and
 * ends once the step has ended (`isFinished`) and the source has been quiet for
 * `quietAfterEndMs` (some kubelets keep a followed log open after its container ended).
 * Destroying the result stops the source.
 */
export function followLog(
  source: Readable,
  options: { fromByte: number; isFinished: () => boolean; quietAfterEndMs: number },
): Readable {
  const output = new PassThrough();
  let skip = options.fromByte;
  let lastData = Date.now();
  source.on('data', (data: Buffer) => {
    lastData = Date.now();
    if (skip >= data.length) {
      skip -= data.length;
      return;
    }
    const rest = data.subarray(skip);
    skip = 0;
    if (!output.write(rest)) {
      source.pause();
      output.once('drain', () => source.resume());
    }
  });
  const watchdog = setInterval(
    () => {
      if (options.isFinished() && Date.now() - lastData > options.quietAfterEndMs) source.destroy();
    },
    Math.min(500, options.quietAfterEndMs),
  );
  const finish = () => {
    clearInterval(watchdog);
    output.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', (error) => {
    clearInterval(watchdog);
    output.destroy(error);
  });
  output.once('close', () => source.destroy());
  return output;
}
