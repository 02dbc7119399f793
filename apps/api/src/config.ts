import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseSecretKey } from './lib/secret-box.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Relative paths are taken from where the user ran the command, not from the package folder. */
function resolveFromInvocation(value: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), value);
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a number' }).int().positive().default(fallback);

/** Every environment variable Slipway reads. The README's configuration table mirrors this. */
export const EnvSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  SLIPWAY_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.slipway/data')),
  SLIPWAY_ADMIN_PASSWORD: z
    .string()
    .min(12, { message: 'must be at least 12 characters' })
    .max(1024)
    .optional(),
  SLIPWAY_CONSOLE_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'apps/console/dist')),
  SLIPWAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLIPWAY_SESSION_IDLE_MINUTES: positiveInt(12 * 60),
  SLIPWAY_SESSION_MAX_HOURS: positiveInt(7 * 24),
  SLIPWAY_TRUST_PROXY: booleanString.default(false),
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
  SLIPWAY_LOGIN_MAX_FAILURES: positiveInt(10),
  SLIPWAY_LOGIN_WINDOW_MINUTES: positiveInt(15),
});

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
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
  /** Failed sign-ins allowed per username and per address within the window. */
  loginThrottle: { maxFailures: number; windowMs: number };
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
    databaseUrl: e.DATABASE_URL,
    dataDir: resolveFromInvocation(e.SLIPWAY_DATA_DIR),
    adminPassword: e.SLIPWAY_ADMIN_PASSWORD,
    consoleDir: resolveFromInvocation(e.SLIPWAY_CONSOLE_DIR),
    logLevel: e.SLIPWAY_LOG_LEVEL,
    session: {
      idleTimeoutMs: e.SLIPWAY_SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: e.SLIPWAY_SESSION_MAX_HOURS * 3_600_000,
    },
    trustProxy: e.SLIPWAY_TRUST_PROXY,
    corsOrigins: e.SLIPWAY_CORS_ORIGINS ?? [],
    bodyLimitBytes: e.SLIPWAY_BODY_LIMIT_BYTES,
    secretKey: e.SLIPWAY_SECRET_KEY,
    kubeTimeoutMs: e.SLIPWAY_KUBE_TIMEOUT_SECONDS * 1000,
    loginThrottle: {
      maxFailures: e.SLIPWAY_LOGIN_MAX_FAILURES,
      windowMs: e.SLIPWAY_LOGIN_WINDOW_MINUTES * 60_000,
    },
  };
}
