import type { FastifyBaseLogger } from 'fastify';

/** How often the leader looks for approval requests past their expiry. */
export const SWEEP_INTERVAL_MS = 30_000;

/**
 * The expiry sweeper (leader only; started and stopped with the release controller): every
 * 30 s, and once when it starts, `sweep` expires pending deploy approvals past `expires_at`
 * (their releases fail). Sweeps never overlap; a failed sweep is logged and tried again at
 * the next tick.
 */
export function createApprovalSweeper(deps: {
  sweep: () => Promise<unknown>;
  logger?: FastifyBaseLogger | undefined;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => deps.sweep())
      .then(
        () => undefined,
        (error: unknown) =>
          deps.logger?.error({ err: error }, 'expiring approval requests failed; will retry'),
      );
  };
  return {
    start(): void {
      if (timer) return;
      tick();
      timer = setInterval(tick, deps.intervalMs ?? SWEEP_INTERVAL_MS);
      timer.unref?.();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type ApprovalSweeper = ReturnType<typeof createApprovalSweeper>;
