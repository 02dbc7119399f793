import { RUN_STREAM_END, runEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint, registerStreamingEndpoint } from '../../lib/route.ts';
import { openEventStream, sseFrame } from '../../lib/sse.ts';
import { actorOf } from '../../plugins/authentication.ts';
import { parseCursor, type RunStreamHub, type StreamViewer } from './run-stream.ts';
import type { RunsService } from './runs.service.ts';
import type { StepLogs } from './step-logs.ts';

/** A comment every 15 s keeps proxies from closing an idle stream (the spec's authoring notes). */
const HEARTBEAT_MS = 15_000;
/** How long a client waits before reconnecting (it resumes with Last-Event-ID). */
const RETRY_MS = 2_000;
const SETTLED_CHECK_MS = 2_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The request's Idempotency-Key, already checked against the contract's header schema. */
function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

export function registerRunRoutes(
  app: FastifyInstance,
  deps: { runs: RunsService; stream: RunStreamHub; logs: StepLogs },
): void {
  const { runs, stream, logs } = deps;
  const e = runEndpoints;
  // Open event streams never end by themselves: close them when the server shuts down.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of openStreams) end();
  });
  registerEndpoint(app, e.create, (r) =>
    runs.create(actorOf(r), r.params, r.body, idempotencyKeyOf(r.headers['idempotency-key'])),
  );
  registerEndpoint(app, e.list, (r) => runs.list(actorOf(r), r.params, r.query));
  registerEndpoint(app, e.get, (r) => runs.get(actorOf(r), r.params));
  registerEndpoint(app, e.cancel, (r) => runs.cancel(actorOf(r), r.params));
  registerEndpoint(app, e.retry, (r) => runs.retry(actorOf(r), r.params, r.body));
  registerEndpoint(app, e.decide, (r) => runs.decide(actorOf(r), r.params, r.body));
  registerEndpoint(app, e.play, (r) => runs.play(actorOf(r), r.params));

  registerStreamingEndpoint(app, e.stepLog, async (r, reply) => {
    const run = await runs.readable(actorOf(r), r.params);
    const { job, step } = r.params;
    if (r.query.download === 'true') {
      const file = `${r.params.pipeline}-${run.number}-${job}-${step}.log`.replace(/[^\w.-]+/g, '_');
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(logs.download(run, job, step));
    }
    const page = r.query.search
      ? await logs.search(run, job, step, r.query.search, r.query.from, r.query.limit)
      : await logs.page(run, job, step, r.query.from, r.query.limit);
    return reply.type('application/json').send(JSON.stringify(page));
  });

  registerStreamingEndpoint(app, e.events, async (r, reply) => {
    const run = await runs.readable(actorOf(r), r.params);
    const lastEventId = r.headers['last-event-id'];
    const from = parseCursor((Array.isArray(lastEventId) ? lastEventId[0] : lastEventId) ?? r.query.after);
    reply.hijack();
    const raw = reply.raw;
    const stopHeartbeat = openEventStream(raw, {
      retryMs: RETRY_MS,
      heartbeatMs: HEARTBEAT_MS,
      headers: { 'x-request-id': r.id },
    });
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      openStreams.delete(end);
      stopHeartbeat();
      clearInterval(settledCheck);
      unsubscribe?.();
      raw.end();
    };
    let unsubscribe: (() => void) | undefined;
    let subscribed = false;
    const viewer: StreamViewer = {
      write(frame) {
        if (closed) return false;
        // A live viewer that cannot keep up is dropped rather than buffered without
        // bound; its EventSource reconnects with Last-Event-ID and catches up.
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          end();
          return false;
        }
        return raw.write(frame);
      },
      drained: () =>
        new Promise<void>((resolve) => {
          if (closed) return resolve();
          const done = () => {
            raw.off('drain', done);
            raw.off('close', done);
            resolve();
          };
          raw.once('drain', done);
          raw.once('close', done);
        }),
      isClosed: () => closed,
      close: () => end(),
    };
    openStreams.add(end);
    r.raw.on('close', end);
    // Once the run has ended and its logs are archived the stream says so and closes
    // (a client seeing `end` stops reconnecting).
    const endIfSettled = async () => {
      if (closed || !subscribed || !(await runs.isSettled(run.id))) return;
      await stream.flush(run.id, viewer);
      if (!closed) raw.write(sseFrame(null, RUN_STREAM_END, '{}'));
      end();
    };
    const settledCheck = setInterval(() => void endIfSettled().catch(() => undefined), SETTLED_CHECK_MS);
    unsubscribe = await stream.subscribe(run.id, from, viewer);
    subscribed = true;
    if (closed) unsubscribe();
    else await endIfSettled();
  });
}
