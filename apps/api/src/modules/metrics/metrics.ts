// Slipway's Prometheus metrics: one registry per application (buildApp runs several times in
// one test process, so nothing goes to prom-client's global registry). The series' names and
// labels are an interface (the chart's ServiceMonitor, the README's alert rules): change them
// only together with those.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The `route` of requests that matched no route (never the raw URL: labels stay bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The `status_code` of a request whose client went away before any response was sent (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/** One environment's deploy queue: releases `queued` there (waiting their turn, or held by a lock or freeze). */
export interface DeployQueueDepth {
  /** The workspace's slug. */
  workspace: string;
  /** The environment's name. */
  environment: string;
  depth: number;
}

/** What the run engine reports (modules/runs/engine). */
export interface RunMetrics {
  /** A run left `queued` (the engine took it up); `trigger` is `manual`, `webhook` or `retry`. */
  runStarted(trigger: string): void;
  /** A run ended with this status (`succeeded`, `failed`, `cancelled`, `rejected`). */
  runFinished(status: string): void;
  /** A job was handed to its executor: seconds since it became ready (see `readySince`). */
  jobDispatched(executor: string, seconds: number): void;
  /** Bytes of step output written to the log archive (before masking). */
  logArchived(bytes: number): void;
}

/** The latency buckets of HTTP requests, seconds (API reads are milliseconds; SSE streams minutes). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120, 600];
/** One reconcile of one run: a few database statements and maybe an executor call, seconds. */
const PASS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** From ready to created: the engine's queue plus a Job/Secret create or a process spawn, seconds. */
const DISPATCH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Creates the registry and every Slipway series on it (see the README's "Metrics" section for
 * their meaning). Gauges of state the leader holds (`slipway_runs_active`,
 * `slipway_deploy_queue_depth`) are read from their sources when scraped; set the sources
 * with `readRunsActive` / `readDeployQueue` once the engine and the release controller exist.
 * Node's process metrics are added by the metrics listener (`startMetricsListener`).
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  let runsActiveSource: () => number = () => 0;
  let deployQueueSource: () => Promise<DeployQueueDepth[] | null> = async () => null;

  const httpDuration = new Histogram({
    name: 'slipway_http_request_duration_seconds',
    help: 'Duration of HTTP requests to the API and console, by method, route template and status code (event streams are observed when they end).',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const runsStarted = new Counter({
    name: 'slipway_runs_started_total',
    help: 'Pipeline runs the engine took up (left queued), by trigger.',
    labelNames: ['trigger'] as const,
    registers,
  });
  const runsFinished = new Counter({
    name: 'slipway_runs_finished_total',
    help: 'Pipeline runs that ended, by final status.',
    labelNames: ['status'] as const,
    registers,
  });
  new Gauge({
    name: 'slipway_runs_active',
    help: "Pipeline runs not finished yet, as the leader's run engine sees them (0 on other replicas).",
    registers,
    collect() {
      this.set(runsActiveSource());
    },
  });
  const deployQueue: Gauge<'workspace' | 'environment'> = new Gauge({
    name: 'slipway_deploy_queue_depth',
    help: "Releases waiting in an environment's deploy queue (status queued), reported by the leader.",
    labelNames: ['workspace', 'environment'] as const,
    registers,
    async collect() {
      let depths: DeployQueueDepth[] | null;
      try {
        depths = await deployQueueSource();
      } catch {
        return; // the database did not answer: the values of the last scrape stay (the source logs it)
      }
      // Not leading: no series (the leader reports them); environments deleted since go too.
      deployQueue.reset();
      for (const row of depths ?? []) {
        deployQueue.set({ workspace: row.workspace, environment: row.environment }, row.depth);
      }
    },
  });
  const enginePass = new Histogram({
    name: 'slipway_engine_pass_duration_seconds',
    help: 'Duration of one reconcile of one run by the run engine.',
    buckets: PASS_BUCKETS,
    registers,
  });
  const dispatchLatency = new Histogram({
    name: 'slipway_dispatch_latency_seconds',
    help: 'From a job becoming ready (run requested, earlier stages ended, retry made) to its Kubernetes Job, local process or release created, by executor.',
    labelNames: ['executor'] as const,
    buckets: DISPATCH_BUCKETS,
    registers,
  });
  const logArchived = new Counter({
    name: 'slipway_log_archived_bytes_total',
    help: 'Bytes of step output written to the log archive.',
    registers,
  });
  const watchRestarts = new Counter({
    name: 'slipway_kube_watch_restarts_total',
    help: 'Kubernetes watches started again after an interruption or a 410 Gone (relist), by resource.',
    labelNames: ['resource'] as const,
    registers,
  });
  const leader = new Gauge({
    name: 'slipway_leader',
    help: '1 while this replica holds the leadership lock (runs the engine and deploys), else 0.',
    registers,
  });
  leader.set(0);

  const runs: RunMetrics = {
    runStarted: (trigger) => runsStarted.inc({ trigger }),
    runFinished: (status) => runsFinished.inc({ status }),
    jobDispatched: (executor, seconds) => dispatchLatency.observe({ executor }, Math.max(0, seconds)),
    logArchived: (bytes) => logArchived.inc(bytes),
  };

  return {
    registry,
    runs,
    /** One HTTP request ended (its response sent, or its connection closed). */
    httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
      httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
    /** One reconcile of the run engine took this long. */
    enginePass(seconds: number): void {
      enginePass.observe(seconds);
    },
    /** A watch on a cluster restarted; `resource` is the plural of what it watches (`jobs`, `pods`). */
    watchRestarted(resource: string): void {
      watchRestarts.inc({ resource });
    },
    /** Follows the leader election (electLeader's callback). */
    setLeader(leading: boolean): void {
      leader.set(leading ? 1 : 0);
    },
    /** Where `slipway_runs_active` is read from when scraped. */
    readRunsActive(source: () => number): void {
      runsActiveSource = source;
    },
    /** Where `slipway_deploy_queue_depth` is read from when scraped (null: not leading, no series). */
    readDeployQueue(source: () => Promise<DeployQueueDepth[] | null>): void {
      deployQueueSource = source;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
