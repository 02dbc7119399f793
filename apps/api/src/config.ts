import path from 'node:path';
import { DatabaseUnreachableError, DEFAULT_POOL_SIZE } from '@slipway/db';
import { z } from 'zod';
import { INSTALL_ROOT } from './install-root.ts';
import type { OutboundProxy } from './lib/outbound-guard.ts';
import { parseSecretKey } from './lib/secret-box.ts';
import {
  type ArtifactStoreLocation,
  DEFAULT_ARTIFACT_MAX_RUN_BYTES,
  parseArtifactStoreUrl,
} from './modules/artifacts/artifact-store-url.ts';
import { type CachesConfig, DEFAULT_CACHE_LIMITS } from './modules/caches/cache-config.ts';
import type { NotificationSenderConfig } from './modules/notifications/notification-sender.ts';

/** Relative paths are taken from where the user ran the command, not from the package folder. */
function resolveFromInvocation(value: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), value);
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int().positive().default(fallback);

/** A proxy variable: the proxy's http(s) URL (`http://proxy.internal:3128`). */
const proxyUrl = z
  .url({ protocol: /^https?$/, message: 'must be the proxy’s http(s) URL, e.g. http://proxy.internal:3128' })
  .optional();

/** The outgoing proxy from the standard variables; lower case first, as curl reads them. */
function proxyOf(e: z.infer<typeof EnvSchema>): OutboundProxy | undefined {
  const httpProxy = e.http_proxy ?? e.HTTP_PROXY;
  const httpsProxy = e.https_proxy ?? e.HTTPS_PROXY;
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: e.no_proxy ?? e.NO_PROXY };
}

/** Every environment variable Slipway reads. The README's configuration table mirrors this. */
export const EnvSchema = z
  .object({
    PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** The Prometheus metrics listener (`/metrics`, same HOST); 0 turns it off. */
    SLIPWAY_METRICS_PORT: z.coerce
      .number({ message: 'must be a port number (0 turns the metrics listener off)' })
      .int({ message: 'must be a port number (0 turns the metrics listener off)' })
      .min(0, { message: 'must be a port number (0 turns the metrics listener off)' })
      .max(65535, { message: 'must be a port number (0 turns the metrics listener off)' })
      .default(9464),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
    SLIPWAY_DATA_DIR: z.string().min(1).default(path.join(INSTALL_ROOT, '.slipway/data')),
    /** Where the local executor runs jobs (default: `<SLIPWAY_DATA_DIR>/work`). */
    SLIPWAY_WORK_DIR: z.string().min(1).optional(),
    SLIPWAY_ADMIN_PASSWORD: z
      .string()
      .min(12, { message: 'must be at least 12 characters' })
      .max(1024)
      .optional(),
    SLIPWAY_CONSOLE_DIR: z.string().min(1).default(path.join(INSTALL_ROOT, 'apps/console/dist')),
    SLIPWAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SLIPWAY_SESSION_IDLE_MINUTES: positiveInt(12 * 60),
    SLIPWAY_SESSION_MAX_HOURS: positiveInt(7 * 24),
    SLIPWAY_TRUST_PROXY: booleanString.default(false),
    /** Seed the demo workspace on an empty database (default: on with the embedded database). */
    SLIPWAY_DEMO: booleanString.optional(),
    SLIPWAY_CORS_ORIGINS: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ message: 'must be a comma-separated list of origins (https://host:port)' })))
      .optional(),
    SLIPWAY_BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
    SLIPWAY_DB_POOL_SIZE: positiveInt(DEFAULT_POOL_SIZE),
    SLIPWAY_SECRET_KEY: z
      .string()
      .transform((value, ctx) => {
        const key = parseSecretKey(value);
        if (!key) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be 32 bytes, base64 (44 characters) or hex (64 characters)',
          });
          return z.NEVER;
        }
        return key;
      })
      .optional(),
    SLIPWAY_KUBE_TIMEOUT_SECONDS: positiveInt(10),
    SLIPWAY_ALLOW_LOCAL_REPOS: booleanString.default(false),
    /** Connect to local-network addresses users type (default: only the embedded demo outside production). */
    SLIPWAY_ALLOW_LOCAL_NETWORK: booleanString.optional(),
    /** The proxy for outgoing requests (lower case wins, as curl reads them). */
    http_proxy: proxyUrl,
    HTTP_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    no_proxy: z.string().max(4096).optional(),
    NO_PROXY: z.string().max(4096).optional(),
    SLIPWAY_LOGIN_MAX_FAILURES: positiveInt(10),
    SLIPWAY_LOGIN_WINDOW_MINUTES: positiveInt(15),
    SLIPWAY_PUBLIC_URL: z
      .url({ message: 'must be the URL users reach Slipway at, e.g. https://slipway.example.com' })
      .optional(),
    /** The API's URL as Kubernetes jobs reach it (their restore/upload steps); default SLIPWAY_PUBLIC_URL. */
    SLIPWAY_JOB_API_URL: z
      .url({
        protocol: /^https?$/,
        message: 'must be the http(s) URL pods reach the API at, e.g. http://slipway.slipway.svc:8080',
      })
      .optional(),
    SLIPWAY_SMTP_URL: z
      .url({
        protocol: /^smtps?$/,
        message: 'must be an smtp:// or smtps:// URL, e.g. smtp://mail.example.com:587',
      })
      .optional(),
    SLIPWAY_SMTP_FROM: z.string().min(3).max(320).optional(),
    /** A project's job caches, both executors together, are evicted down to this (5 GiB). */
    SLIPWAY_CACHE_MAX_PROJECT_BYTES: positiveInt(DEFAULT_CACHE_LIMITS.maxProjectBytes),
    /** A larger cache archive is refused while it uploads (1 GiB). */
    SLIPWAY_CACHE_MAX_ENTRY_BYTES: positiveInt(DEFAULT_CACHE_LIMITS.maxEntryBytes),
    SLIPWAY_NOTIFY_ATTEMPTS: positiveInt(6),
    SLIPWAY_NOTIFY_RETRY_SECONDS: positiveInt(10),
    /** Where job artifacts are stored: unset = PostgreSQL large objects; `s3://bucket/prefix?endpoint=…&region=…`. */
    SLIPWAY_ARTIFACT_STORE: z
      .string()
      .transform((value, ctx) => {
        const parsed = parseArtifactStoreUrl(value);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
    /** Most bytes (sum of file sizes, uncompressed) of one run's artifacts. */
    SLIPWAY_ARTIFACT_MAX_RUN_BYTES: positiveInt(DEFAULT_ARTIFACT_MAX_RUN_BYTES),
    SLIPWAY_OIDC_ISSUER: z.url({ message: 'must be the issuer URL of the OIDC provider' }).optional(),
    SLIPWAY_OIDC_CLIENT_ID: z.string().min(1).optional(),
    SLIPWAY_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    SLIPWAY_OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
    SLIPWAY_OIDC_SCOPES: z.string().min(1).default('openid profile email'),
    SLIPWAY_OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
    SLIPWAY_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
    SLIPWAY_OIDC_ADMIN_CLAIM: z
      .string()
      .regex(/^[^=]+=.+$/, { message: 'must be claim=value, e.g. groups=slipway-admins' })
      .optional(),
    SLIPWAY_OIDC_GROUP_ROLES: z
      .string()
      .regex(/^([^=;]+=[a-z0-9-]+:[a-z0-9-]+)(;[^=;]+=[a-z0-9-]+:[a-z0-9-]+)*$/, {
        message: 'must be group=workspace:role pairs separated by ";", e.g. shop-devs=shop:workspace-member',
      })
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SLIPWAY_SMTP_URL && !env.SLIPWAY_SMTP_FROM) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLIPWAY_SMTP_FROM'],
        message: 'is required when SLIPWAY_SMTP_URL is set (the From address of notification e-mails)',
      });
    }
    if (env.SLIPWAY_OIDC_ISSUER && !env.SLIPWAY_OIDC_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLIPWAY_OIDC_CLIENT_ID'],
        message: 'is required when SLIPWAY_OIDC_ISSUER is set',
      });
    }
  });

export interface AppConfig {
  port: number;
  host: string;
  /** The metrics listener's port on `host` (SLIPWAY_METRICS_PORT); 0: no metrics listener. */
  metricsPort: number;
  databaseUrl: string | undefined;
  /** Connections to the real PostgreSQL (`DATABASE_URL`); the embedded database uses one. */
  dbPoolSize: number;
  dataDir: string;
  /** The local executor's job directories. */
  workDir: string;
  /** Seed the demo on an empty database. */
  demo: boolean;
  adminPassword: string | undefined;
  consoleDir: string;
  logLevel: z.infer<typeof EnvSchema>['SLIPWAY_LOG_LEVEL'];
  session: { idleTimeoutMs: number; absoluteTimeoutMs: number };
  trustProxy: boolean;
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** From SLIPWAY_SECRET_KEY; when absent the server uses `<dataDir>/secret.key`. */
  secretKey: Buffer | undefined;
  kubeTimeoutMs: number;
  /** Projects may name repositories on the server's disk (file://, paths): development and tests only. */
  allowLocalRepos: boolean;
  /**
   * The server may connect to loopback, private, link-local (cloud metadata) and other local
   * addresses when a user names them (repositories, notification receivers):
   * SLIPWAY_ALLOW_LOCAL_NETWORK, default true only with the embedded database outside
   * production (GitLab's "allow requests to the local network").
   */
  allowLocalNetwork: boolean;
  /**
   * The proxy for requests to addresses users type (notification receivers, repository
   * checks): `http_proxy`, `https_proxy`, `no_proxy` (or upper case). Undefined: direct.
   */
  outboundProxy: OutboundProxy | undefined;
  /** Failed sign-ins allowed per username and per address within the window. */
  loginThrottle: { maxFailures: number; windowMs: number };
  publicUrl: string | undefined;
  /**
   * The API's URL as Kubernetes jobs reach it (SLIPWAY_JOB_API_URL, else SLIPWAY_PUBLIC_URL):
   * what their restore/upload steps call. Local jobs use the server's loopback address.
   */
  jobApiUrl: string | undefined;
  oidc: OidcConfig | undefined;
  /** SMTP for e-mail channels and the notification sender's retries. */
  notifications: NotificationSenderConfig;
  /** Job caches: the local executor's directory (`<dataDir>/caches`) and the size limits. */
  caches: CachesConfig;
  /** Job artifacts: where they are stored and how much one run may keep. */
  artifacts: ArtifactsConfig;
}

/** SLIPWAY_ARTIFACT_STORE and SLIPWAY_ARTIFACT_MAX_RUN_BYTES (README "Artifacts"). */
export interface ArtifactsConfig {
  /** `postgres`: large objects in the database; `s3`: an S3-compatible bucket. */
  store: ArtifactStoreLocation;
  /** Most bytes (the files' sizes, uncompressed) of one run's artifacts. */
  maxRunBytes: number;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  name: string;
  scopes: string;
  usernameClaim: string;
  groupsClaim: string;
  /** Users whose claim contains this value are platform admins. */
  adminClaim: { claim: string; value: string } | undefined;
  /** Group name → workspace roles given on each sign-in. */
  groupRoles: { group: string; workspace: string; role: string }[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a missing or malformed variable throws naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset, the way shells and .env files usually mean them.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.SLIPWAY_METRICS_PORT,
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.SLIPWAY_DB_POOL_SIZE,
    dataDir: resolveFromInvocation(e.SLIPWAY_DATA_DIR),
    workDir: resolveFromInvocation(e.SLIPWAY_WORK_DIR ?? path.join(e.SLIPWAY_DATA_DIR, 'work')),
    adminPassword: e.SLIPWAY_ADMIN_PASSWORD,
    consoleDir: resolveFromInvocation(e.SLIPWAY_CONSOLE_DIR),
    logLevel: e.SLIPWAY_LOG_LEVEL,
    session: {
      idleTimeoutMs: e.SLIPWAY_SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: e.SLIPWAY_SESSION_MAX_HOURS * 3_600_000,
    },
    trustProxy: e.SLIPWAY_TRUST_PROXY,
    demo: e.SLIPWAY_DEMO ?? e.DATABASE_URL === undefined,
    corsOrigins: e.SLIPWAY_CORS_ORIGINS ?? [],
    bodyLimitBytes: e.SLIPWAY_BODY_LIMIT_BYTES,
    secretKey: e.SLIPWAY_SECRET_KEY,
    kubeTimeoutMs: e.SLIPWAY_KUBE_TIMEOUT_SECONDS * 1000,
    allowLocalRepos: e.SLIPWAY_ALLOW_LOCAL_REPOS,
    allowLocalNetwork:
      e.SLIPWAY_ALLOW_LOCAL_NETWORK ?? (e.DATABASE_URL === undefined && present.NODE_ENV !== 'production'),
    outboundProxy: proxyOf(e),
    loginThrottle: {
      maxFailures: e.SLIPWAY_LOGIN_MAX_FAILURES,
      windowMs: e.SLIPWAY_LOGIN_WINDOW_MINUTES * 60_000,
    },
    publicUrl: e.SLIPWAY_PUBLIC_URL,
    jobApiUrl: (e.SLIPWAY_JOB_API_URL ?? e.SLIPWAY_PUBLIC_URL)?.replace(/\/+$/, ''),
    oidc: oidcConfig(e),
    notifications: {
      smtpUrl: e.SLIPWAY_SMTP_URL,
      smtpFrom: e.SLIPWAY_SMTP_FROM,
      attempts: e.SLIPWAY_NOTIFY_ATTEMPTS,
      retryBaseMs: e.SLIPWAY_NOTIFY_RETRY_SECONDS * 1000,
    },
    caches: {
      dir: path.join(resolveFromInvocation(e.SLIPWAY_DATA_DIR), 'caches'),
      maxProjectBytes: e.SLIPWAY_CACHE_MAX_PROJECT_BYTES,
      maxEntryBytes: e.SLIPWAY_CACHE_MAX_ENTRY_BYTES,
    },
    artifacts: {
      store: e.SLIPWAY_ARTIFACT_STORE ?? { kind: 'postgres' },
      maxRunBytes: e.SLIPWAY_ARTIFACT_MAX_RUN_BYTES,
    },
  };
}

function oidcConfig(e: z.infer<typeof EnvSchema>): OidcConfig | undefined {
  if (!e.SLIPWAY_OIDC_ISSUER || !e.SLIPWAY_OIDC_CLIENT_ID) return undefined;
  const admin = e.SLIPWAY_OIDC_ADMIN_CLAIM;
  return {
    issuer: e.SLIPWAY_OIDC_ISSUER,
    clientId: e.SLIPWAY_OIDC_CLIENT_ID,
    clientSecret: e.SLIPWAY_OIDC_CLIENT_SECRET,
    name: e.SLIPWAY_OIDC_NAME,
    scopes: e.SLIPWAY_OIDC_SCOPES,
    usernameClaim: e.SLIPWAY_OIDC_USERNAME_CLAIM,
    groupsClaim: e.SLIPWAY_OIDC_GROUPS_CLAIM,
    adminClaim: admin
      ? { claim: admin.slice(0, admin.indexOf('=')), value: admin.slice(admin.indexOf('=') + 1) }
      : undefined,
    groupRoles: (e.SLIPWAY_OIDC_GROUP_ROLES ?? '')
      .split(';')
      .filter(Boolean)
      .map((pair) => {
        const [group = '', target = ''] = pair.split('=');
        const [workspace = '', role = ''] = target.split(':');
        return { group, workspace, role };
      }),
  };
}

/**
 * The one-line reason an entry point (server.ts, migrate.ts) prints before exiting: an
 * unreachable database points the operator at `DATABASE_URL` (its address, never its password,
 * is in the message).
 */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof DatabaseUnreachableError) return `${error.message} (check DATABASE_URL)`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a URL's host is a loopback address (`localhost`, 127.0.0.0/8, `::1`): what a pod
 * elsewhere can never reach. False for anything that is not a URL.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
}
