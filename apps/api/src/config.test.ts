import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackUrl, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded setup on 127.0.0.1:8080', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      metricsPort: 9464,
      databaseUrl: undefined,
      trustProxy: false,
    });
    expect(config.dataDir).toMatch(new RegExp(`${path.sep}\\.slipway${path.sep}data$`));
    expect(config.session).toEqual({ idleTimeoutMs: 12 * 3_600_000, absoluteTimeoutMs: 7 * 24 * 3_600_000 });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      SLIPWAY_METRICS_PORT: '9100',
      DATABASE_URL: 'postgresql://u:p@db:5432/slipway',
      SLIPWAY_DATA_DIR: '/var/lib/slipway',
      SLIPWAY_ADMIN_PASSWORD: 'twelve-chars-or-more',
      SLIPWAY_CONSOLE_DIR: '/srv/console',
      SLIPWAY_LOG_LEVEL: 'debug',
      SLIPWAY_SESSION_IDLE_MINUTES: '30',
      SLIPWAY_SESSION_MAX_HOURS: '8',
      SLIPWAY_TRUST_PROXY: 'true',
      SLIPWAY_CORS_ORIGINS: 'https://a.example, https://b.example',
      SLIPWAY_BODY_LIMIT_BYTES: '2048',
      SLIPWAY_DB_POOL_SIZE: '40',
      SLIPWAY_SECRET_KEY: 'ab'.repeat(32),
      SLIPWAY_KUBE_TIMEOUT_SECONDS: '5',
      SLIPWAY_ALLOW_LOCAL_REPOS: 'true',
      SLIPWAY_ALLOW_LOCAL_NETWORK: 'true',
      SLIPWAY_WORK_DIR: '/var/lib/slipway-work',
      SLIPWAY_DEMO: 'true',
      SLIPWAY_SMTP_URL: 'smtp://mail.example.com:587',
      SLIPWAY_SMTP_FROM: 'Slipway <slipway@example.com>',
      SLIPWAY_NOTIFY_ATTEMPTS: '4',
      SLIPWAY_NOTIFY_RETRY_SECONDS: '30',
      SLIPWAY_CACHE_MAX_PROJECT_BYTES: '1000000',
      SLIPWAY_CACHE_MAX_ENTRY_BYTES: '2000',
      SLIPWAY_ARTIFACT_STORE:
        's3://ci-artifacts/slipway/prod?endpoint=http://127.0.0.1:8333&region=eu-west-1',
      SLIPWAY_ARTIFACT_MAX_RUN_BYTES: '1000000',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      metricsPort: 9100,
      databaseUrl: 'postgresql://u:p@db:5432/slipway',
      dbPoolSize: 40,
      dataDir: '/var/lib/slipway',
      workDir: '/var/lib/slipway-work',
      demo: true,
      adminPassword: 'twelve-chars-or-more',
      consoleDir: '/srv/console',
      logLevel: 'debug',
      session: { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 8 * 3_600_000 },
      trustProxy: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimitBytes: 2048,
      secretKey: Buffer.alloc(32, 0xab),
      kubeTimeoutMs: 5000,
      allowLocalRepos: true,
      allowLocalNetwork: true,
      loginThrottle: { maxFailures: 10, windowMs: 15 * 60_000 },
      publicUrl: undefined,
      oidc: undefined,
      notifications: {
        smtpUrl: 'smtp://mail.example.com:587',
        smtpFrom: 'Slipway <slipway@example.com>',
        attempts: 4,
        retryBaseMs: 30_000,
      },
      caches: { dir: '/var/lib/slipway/caches', maxProjectBytes: 1_000_000, maxEntryBytes: 2000 },
      artifacts: {
        store: {
          kind: 's3',
          bucket: 'ci-artifacts',
          prefix: 'slipway/prod/',
          endpoint: 'http://127.0.0.1:8333',
          region: 'eu-west-1',
        },
        maxRunBytes: 1_000_000,
      },
    });
  });

  it('allows the local network by default only for the embedded demo outside production', () => {
    const db = { DATABASE_URL: 'postgresql://u:p@db:5432/slipway' };
    expect(loadConfig({}).allowLocalNetwork).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).allowLocalNetwork).toBe(false);
    expect(loadConfig(db).allowLocalNetwork).toBe(false);
    expect(loadConfig({ ...db, SLIPWAY_ALLOW_LOCAL_NETWORK: 'true' }).allowLocalNetwork).toBe(true);
    expect(loadConfig({ SLIPWAY_ALLOW_LOCAL_NETWORK: 'false' }).allowLocalNetwork).toBe(false);
    expect(() => loadConfig({ SLIPWAY_ALLOW_LOCAL_NETWORK: 'maybe' })).toThrow(
      /SLIPWAY_ALLOW_LOCAL_NETWORK: must be true or false/,
    );
  });

  it('reads the cache limits: 5 GiB per project and 1 GiB per entry unless set, a non-number refused naming it', () => {
    expect(loadConfig({ SLIPWAY_DATA_DIR: '/data' }).caches).toEqual({
      dir: '/data/caches',
      maxProjectBytes: 5 * 1024 ** 3,
      maxEntryBytes: 1024 ** 3,
    });
    expect(() => loadConfig({ SLIPWAY_CACHE_MAX_ENTRY_BYTES: '1GB' })).toThrow(
      /SLIPWAY_CACHE_MAX_ENTRY_BYTES: must be a number/,
    );
    expect(() => loadConfig({ SLIPWAY_CACHE_MAX_PROJECT_BYTES: '0' })).toThrow(
      /SLIPWAY_CACHE_MAX_PROJECT_BYTES/,
    );
  });

  it('stores artifacts in PostgreSQL up to 1 GiB per run unless told otherwise, and names a bad store URL', () => {
    expect(loadConfig({}).artifacts).toEqual({ store: { kind: 'postgres' }, maxRunBytes: 1024 ** 3 });
    expect(loadConfig({ SLIPWAY_ARTIFACT_STORE: 's3://bucket' }).artifacts.store).toEqual({
      kind: 's3',
      bucket: 'bucket',
      prefix: '',
      endpoint: undefined,
      region: 'us-east-1',
    });
    expect(() => loadConfig({ SLIPWAY_ARTIFACT_STORE: 'https://bucket.example' })).toThrow(
      /SLIPWAY_ARTIFACT_STORE: must be s3:\/\/bucket/,
    );
    expect(() => loadConfig({ SLIPWAY_ARTIFACT_STORE: 's3://b?endpoint=ftp://x' })).toThrow(
      /SLIPWAY_ARTIFACT_STORE: bucket "b" is not a valid bucket name/,
    );
    expect(() => loadConfig({ SLIPWAY_ARTIFACT_STORE: 's3://bucket?endpoint=ftp://x' })).toThrow(
      /SLIPWAY_ARTIFACT_STORE: endpoint must be an http/,
    );
    expect(() => loadConfig({ SLIPWAY_ARTIFACT_STORE: 's3://key:secret@bucket' })).toThrow(
      /SLIPWAY_ARTIFACT_STORE: must not carry credentials/,
    );
    expect(() => loadConfig({ SLIPWAY_ARTIFACT_MAX_RUN_BYTES: '-1' })).toThrow(
      /SLIPWAY_ARTIFACT_MAX_RUN_BYTES/,
    );
  });

  it('reads the outgoing proxy from http_proxy, https_proxy and no_proxy, lower case first', () => {
    expect(loadConfig({}).outboundProxy).toBeUndefined();
    expect(loadConfig({ NO_PROXY: 'internal' }).outboundProxy).toBeUndefined();
    expect(
      loadConfig({
        http_proxy: 'http://lower:3128',
        HTTP_PROXY: 'http://upper:3128',
        HTTPS_PROXY: 'http://secure:3128',
        NO_PROXY: 'localhost,.internal',
      }).outboundProxy,
    ).toEqual({
      httpProxy: 'http://lower:3128',
      httpsProxy: 'http://secure:3128',
      noProxy: 'localhost,.internal',
    });
    expect(() => loadConfig({ https_proxy: 'socks5://proxy:1080' })).toThrow(
      /https_proxy: must be the proxy/,
    );
  });

  it('reads the SMTP settings, naming a missing From address and a URL of another scheme', () => {
    expect(loadConfig({}).notifications).toEqual({
      smtpUrl: undefined,
      smtpFrom: undefined,
      attempts: 6,
      retryBaseMs: 10_000,
    });
    expect(() => loadConfig({ SLIPWAY_SMTP_URL: 'smtp://mail.example.com' })).toThrow(
      /SLIPWAY_SMTP_FROM: is required when SLIPWAY_SMTP_URL is set/,
    );
    expect(() =>
      loadConfig({ SLIPWAY_SMTP_URL: 'https://mail.example.com', SLIPWAY_SMTP_FROM: 'a@b.c' }),
    ).toThrow(/SLIPWAY_SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('reads the OIDC settings, naming a missing client id', () => {
    const oidc = loadConfig({
      SLIPWAY_OIDC_ISSUER: 'https://id.example.com',
      SLIPWAY_OIDC_CLIENT_ID: 'slipway',
      SLIPWAY_OIDC_ADMIN_CLAIM: 'groups=platform-admins',
      SLIPWAY_OIDC_GROUP_ROLES: 'shop-devs=shop:workspace-member;shop-leads=shop:workspace-admin',
    }).oidc;
    expect(oidc).toMatchObject({
      issuer: 'https://id.example.com',
      clientId: 'slipway',
      usernameClaim: 'preferred_username',
      adminClaim: { claim: 'groups', value: 'platform-admins' },
      groupRoles: [
        { group: 'shop-devs', workspace: 'shop', role: 'workspace-member' },
        { group: 'shop-leads', workspace: 'shop', role: 'workspace-admin' },
      ],
    });
    expect(() => loadConfig({ SLIPWAY_OIDC_ISSUER: 'https://id.example.com' })).toThrow(
      /SLIPWAY_OIDC_CLIENT_ID: is required when SLIPWAY_OIDC_ISSUER is set/,
    );
    expect(() => loadConfig({ SLIPWAY_OIDC_GROUP_ROLES: 'nonsense' })).toThrow(/SLIPWAY_OIDC_GROUP_ROLES/);
  });

  it('reads SLIPWAY_METRICS_PORT: 0 turns the metrics listener off, anything but a port is refused naming it', () => {
    expect(loadConfig({ SLIPWAY_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadConfig({ SLIPWAY_METRICS_PORT: '' }).metricsPort).toBe(9464);
    for (const bad of ['metrics', '-1', '65536', '94.64']) {
      expect(() => loadConfig({ SLIPWAY_METRICS_PORT: bad })).toThrow(
        /SLIPWAY_METRICS_PORT: must be a port number \(0 turns the metrics listener off\)/,
      );
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('names every malformed variable', () => {
    expect(() =>
      loadConfig({
        PORT: '99999',
        DATABASE_URL: 'mysql://x',
        SLIPWAY_TRUST_PROXY: 'maybe',
        SLIPWAY_ADMIN_PASSWORD: 'short',
      }),
    ).toThrow(ConfigError);
    try {
      loadConfig({
        PORT: '99999',
        DATABASE_URL: 'mysql://x',
        SLIPWAY_TRUST_PROXY: 'maybe',
        SLIPWAY_ADMIN_PASSWORD: 'short',
      });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of [
        'PORT',
        'DATABASE_URL: must be a postgres',
        'SLIPWAY_TRUST_PROXY: must be true or false',
        'SLIPWAY_ADMIN_PASSWORD: must be at least 12',
      ]) {
        expect(message).toContain(name);
      }
    }
  });

  it('reads SLIPWAY_JOB_API_URL, defaulting to SLIPWAY_PUBLIC_URL, and refuses what is not an http(s) URL', () => {
    expect(loadConfig({}).jobApiUrl).toBeUndefined();
    expect(loadConfig({ SLIPWAY_PUBLIC_URL: 'https://slipway.example.com/' }).jobApiUrl).toBe(
      'https://slipway.example.com',
    );
    expect(
      loadConfig({
        SLIPWAY_PUBLIC_URL: 'https://slipway.example.com',
        SLIPWAY_JOB_API_URL: 'http://slipway.ns.svc:80',
      }).jobApiUrl,
    ).toBe('http://slipway.ns.svc:80');
    expect(() => loadConfig({ SLIPWAY_JOB_API_URL: 'ftp://x' })).toThrow(
      /SLIPWAY_JOB_API_URL: must be the http\(s\) URL/,
    );
  });
});

describe('isLoopbackUrl (the start-up warning about SLIPWAY_JOB_API_URL)', () => {
  it('tells loopback hosts from addresses pods can reach', () => {
    for (const url of [
      'http://127.0.0.1:8080',
      'http://localhost:8080',
      'http://127.8.0.1',
      'http://[::1]:80',
      'http://api.localhost',
    ])
      expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of [
      'http://slipway.slipway.svc:8080',
      'https://10.0.0.4',
      'http://128.0.0.1',
      'not a url',
    ])
      expect(isLoopbackUrl(url), url).toBe(false);
  });
});

describe('check-config (what ./run start runs before building the console)', () => {
  const script = fileURLToPath(new URL('./check-config.ts', import.meta.url));
  const check = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: path.dirname(script),
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  it('exits 78 naming the malformed variable, 0 for a valid configuration', () => {
    const bad = check({ SLIPWAY_JOB_API_URL: '127.0.0.1:8080' });
    expect(bad.status).toBe(78);
    expect(bad.stderr).toContain('SLIPWAY_JOB_API_URL');
    expect(check({}).status).toBe(0);
  });
});
