// Reads the root of a git repository without checking it out: a shallow, blob-less clone
// into a temporary directory that is removed afterwards. Git runs without a shell, with a
// deadline, without prompts and without the server's own git configuration.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OutboundAddressError, type OutboundPolicy, resolveOutbound } from './outbound-guard.ts';
import { createOutboundFetch } from './outbound-http.ts';

/** The repository could not be read; `message` is safe to show (credentials removed). */
export class RepositoryUnreadableError extends Error {
  override name = 'RepositoryUnreadableError';
}

export interface RepositoryRoot {
  /** Names of the files (not folders) at the root of the commit. */
  files: string[];
  /** A root file's text; undefined when missing, too large or unreadable. */
  read(name: string): Promise<string | undefined>;
}

/** `file://…` and absolute paths: the server's own disk, allowed only in development and tests. */
export function isLocalRepository(url: string): boolean {
  return url.startsWith('file://') || url.startsWith('/');
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_FILE_BYTES = 256 * 1024;
const MAX_LISTING_BYTES = 1024 * 1024;

/**
 * Reading repositories the server is told about. `allowLocal`: file:// and paths
 * (SLIPWAY_ALLOW_LOCAL_REPOS). `outbound`: where git may connect (SLIPWAY_ALLOW_LOCAL_NETWORK;
 * default: not to the local network) — see `reach` for how git is held to it.
 */
export function createGitRepositories(options: {
  allowLocal: boolean;
  timeoutMs?: number;
  outbound?: OutboundPolicy | undefined;
}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outbound = options.outbound ?? { allowLocalNetwork: false };
  const outboundFetch = createOutboundFetch(outbound);
  // Only the transports the API accepts; local ones only when allowed. `ext::` and friends never.
  const protocols = [
    '-c',
    'protocol.allow=never',
    ...['https', 'http', 'ssh', ...(options.allowLocal ? ['file'] : [])].flatMap((name) => [
      '-c',
      `protocol.${name}.allow=always`,
    ]),
  ];

  return {
    /**
     * Clones `url` (the `branch` when it exists, else the remote's default branch), hands
     * its root to `use`, and removes the clone. Throws RepositoryUnreadableError.
     */
    async withRoot<T>(url: string, branch: string | undefined, use: (root: RepositoryRoot) => Promise<T>) {
      if (isLocalRepository(url) && !options.allowLocal) {
        throw new RepositoryUnreadableError('local repositories are not allowed on this server');
      }
      const deadline = Date.now() + timeoutMs;
      const reached = await reach(url, deadline);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-repo-'));
      const git = (args: string[], limitBytes = MAX_LISTING_BYTES) =>
        runGit([...protocols, ...reached.args, ...args], {
          cwd: dir,
          deadline,
          limitBytes,
          env: reached.env,
        });
      try {
        const clone = (ref: string | undefined) =>
          git([
            'clone',
            '--quiet',
            '--depth=1',
            '--filter=blob:none',
            '--no-checkout',
            '--no-tags',
            ...(ref ? [`--branch=${ref}`] : []),
            '--',
            reached.url,
            'repo',
          ]);
        let cloned = await clone(branch);
        if (!cloned.ok && branch && /Remote branch .* not found/i.test(cloned.stderr)) {
          await rm(path.join(dir, 'repo'), { recursive: true, force: true });
          cloned = await clone(undefined);
        }
        if (!cloned.ok) throw new RepositoryUnreadableError(describeFailure(cloned, timeoutMs));
        const inRepo = (args: string[], limitBytes?: number) => git(['-C', 'repo', ...args], limitBytes);
        const listing = await inRepo(['ls-tree', '-z', 'HEAD']);
        if (!listing.ok) {
          const empty = (await inRepo(['rev-parse', '--verify', '--quiet', 'HEAD'])).ok === false;
          throw new RepositoryUnreadableError(
            empty ? 'the repository has no commits yet' : describeFailure(listing, timeoutMs),
          );
        }
        // Entries are "<mode> <type> <object>\t<name>", separated by NUL.
        const files = listing.stdout
          .split('\0')
          .map((entry) => /^\d+ blob [0-9a-f]+\t(.+)$/s.exec(entry)?.[1])
          .filter((name): name is string => name !== undefined);
        return await use({
          files,
          async read(name) {
            if (!files.includes(name)) return undefined;
            const shown = await inRepo(['cat-file', 'blob', `HEAD:${name}`], MAX_FILE_BYTES);
            return shown.ok ? shown.stdout : undefined;
          },
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    /**
     * The YAML files (`.yaml`/`.yml`) at `target` — one file, or every one under a folder —
     * of the repository at `commit` (else the `branch`'s head), by path: a blob-less clone of
     * the branch's history, blobs fetched as read. Throws RepositoryUnreadableError (the
     * repository, commit or path cannot be read; more than `maxFiles` files).
     */
    async readYamlFiles(
      url: string,
      at: { commit?: string | undefined; branch?: string | undefined },
      target: string,
      maxFiles = 100,
    ): Promise<Record<string, string>> {
      if (isLocalRepository(url) && !options.allowLocal) {
        throw new RepositoryUnreadableError('local repositories are not allowed on this server');
      }
      const deadline = Date.now() + timeoutMs;
      const reached = await reach(url, deadline);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-repo-'));
      const git = (args: string[], limitBytes = MAX_LISTING_BYTES) =>
        runGit([...protocols, ...reached.args, ...args], {
          cwd: dir,
          deadline,
          limitBytes,
          env: reached.env,
        });
      try {
        const cloned = await git([
          'clone',
          '--quiet',
          '--filter=blob:none',
          '--no-checkout',
          '--no-tags',
          ...(at.branch ? [`--branch=${at.branch}`] : []),
          '--',
          reached.url,
          'repo',
        ]);
        if (!cloned.ok) throw new RepositoryUnreadableError(describeFailure(cloned, timeoutMs));
        const rev = at.commit ?? 'HEAD';
        const clean = target.replace(/^\.?\/+/, '').replace(/\/+$/, '');
        const listing = await git([
          '-C',
          'repo',
          'ls-tree',
          '-r',
          '-z',
          '--name-only',
          rev,
          '--',
          clean || '.',
        ]);
        if (!listing.ok) throw new RepositoryUnreadableError(describeFailure(listing, timeoutMs));
        const names = listing.stdout.split('\0').filter((name) => /\.ya?ml$/i.test(name));
        if (names.length === 0) {
          throw new RepositoryUnreadableError(`no .yaml or .yml file at "${target}" in ${rev}`);
        }
        if (names.length > maxFiles) {
          throw new RepositoryUnreadableError(`more than ${maxFiles} YAML files at "${target}"`);
        }
        const files: Record<string, string> = {};
        for (const name of names) {
          const shown = await git(['-C', 'repo', 'cat-file', 'blob', `${rev}:${name}`], MAX_FILE_BYTES);
          if (!shown.ok) throw new RepositoryUnreadableError(`${name}: ${describeFailure(shown, timeoutMs)}`);
          files[name] = shown.stdout;
        }
        return files;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    /**
     * The commits after `from` up to `to`, newest first (at most `limit`): a blob-less bare
     * clone of the branches' history, then `git log from..to`. Throws
     * RepositoryUnreadableError (unreachable, or a commit no branch holds).
     */
    async commitsBetween(url: string, from: string, to: string, limit = 100) {
      return withHistory(url, async (git) => {
        const log = await git([
          '-C',
          'repo',
          'log',
          `--max-count=${limit}`,
          '--format=%H%x1f%an%x1f%s%x1e',
          `${from}..${to}`,
        ]);
        if (!log.ok) throw new RepositoryUnreadableError(describeFailure(log, timeoutMs));
        return log.stdout
          .split('\x1e')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .map((entry) => {
            const [sha = '', author = '', message = ''] = entry.split('\x1f');
            return { sha, author, message };
          });
      });
    },

    /**
     * The e-mail address of `commit`'s author (`git log -1 --format=%ae`), lower-cased; null
     * when the commit has none. Throws RepositoryUnreadableError (unreachable, or a commit no
     * branch holds).
     */
    async commitAuthorEmail(url: string, commit: string): Promise<string | null> {
      return withHistory(url, async (git) => {
        const log = await git(['-C', 'repo', 'log', '-1', '--format=%ae', commit, '--']);
        if (!log.ok) throw new RepositoryUnreadableError(describeFailure(log, timeoutMs));
        return log.stdout.trim().toLowerCase() || null;
      });
    },
  };

  /**
   * Holds git to the outbound policy. git resolves names and follows redirects itself, so
   * when the local network is not allowed: the host is resolved and every address checked
   * here, then pinned — http(s) through `http.curloptResolve` (curl connects to the checked
   * addresses, TLS still verifies the name), ssh through `-o HostName=<address>` with
   * `HostKeyAlias` keeping known_hosts by name. Redirects: git would follow the first one to
   * any host, so the server asks `info/refs` itself first, through the guarded `fetch` (each
   * hop checked), clones the address it ends at, and tells git `http.followRedirects=false`.
   * Local repositories (file://, paths) have no host. Throws RepositoryUnreadableError naming
   * SLIPWAY_ALLOW_LOCAL_NETWORK.
   */
  async function reach(url: string, deadline: number): Promise<Reach> {
    const target = remoteOf(url);
    if (!target || outbound.allowLocalNetwork) return { url, args: [], env: {} };
    // A name the server cannot resolve is not handed to git to resolve on its own.
    const checked = (host: string) =>
      resolveOutbound(host, outbound).catch((error: unknown) => {
        if (error instanceof OutboundAddressError) throw new RepositoryUnreadableError(error.message);
        throw new RepositoryUnreadableError(`could not resolve host ${host}`);
      });
    if (target.scheme === 'ssh') {
      const [first] = await checked(target.host);
      if (isIP(target.host) || !first) return { url, args: [], env: {} };
      return { url, args: [], env: { GIT_SSH_COMMAND: sshCommand(target.host, first.address) } };
    }
    const finalUrl = await followRedirects(url, deadline).catch((error: unknown) => {
      if (error instanceof OutboundAddressError) throw new RepositoryUnreadableError(error.message);
      // Refused, timed out, not HTTP…: git tries the URL and says why in its own words.
      return url;
    });
    const final = remoteOf(finalUrl) ?? target;
    const addresses = await checked(final.host);
    const pinned = addresses.map(({ address, family }) => (family === 6 ? `[${address}]` : address));
    return {
      url: finalUrl,
      args: [
        '-c',
        'http.followRedirects=false',
        ...(isIP(final.host)
          ? []
          : ['-c', `http.curloptResolve=${final.host}:${final.port}:${pinned.join(',')}`]),
      ],
      env: {},
    };
  }

  /**
   * Where git's first request (`GET <url>/info/refs?service=git-upload-pack`) ends after
   * redirects, each hop checked: the repository URL it stands for (the original one when
   * there was no redirect). Credentials in the URL go as Basic authorization (fetch refuses
   * them in URLs) and only to the original origin. Throws OutboundAddressError.
   */
  async function followRedirects(url: string, deadline: number): Promise<string> {
    const parsed = new URL(url);
    const headers: Record<string, string> = { 'user-agent': 'git/2 (Slipway)' };
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username);
      const password = decodeURIComponent(parsed.password);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    const bare = new URL(parsed);
    bare.username = '';
    bare.password = '';
    const suffix = '/info/refs?service=git-upload-pack';
    const ask = `${bare.href.replace(/\/+$/, '')}${suffix}`;
    let response: Awaited<ReturnType<typeof outboundFetch>>;
    try {
      response = await outboundFetch(ask, {
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(Math.max(deadline - Date.now(), 1)),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof OutboundAddressError ? cause : error;
    }
    await response.body?.cancel();
    if (!response.redirected || !response.url.endsWith(suffix)) return url;
    const landed = new URL(response.url.slice(0, -suffix.length));
    if (landed.origin === parsed.origin) {
      landed.username = parsed.username;
      landed.password = parsed.password;
    }
    return landed.href;
  }

  /**
   * A blob-less bare clone of the branches' history in a temporary directory, handed to
   * `use` and removed afterwards. Throws RepositoryUnreadableError.
   */
  async function withHistory<T>(
    url: string,
    use: (git: (args: string[]) => Promise<GitResult>) => Promise<T>,
  ): Promise<T> {
    if (isLocalRepository(url) && !options.allowLocal) {
      throw new RepositoryUnreadableError('local repositories are not allowed on this server');
    }
    const deadline = Date.now() + timeoutMs;
    const reached = await reach(url, deadline);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-repo-'));
    const git = (args: string[]) =>
      runGit([...protocols, ...reached.args, ...args], {
        cwd: dir,
        deadline,
        limitBytes: MAX_LISTING_BYTES,
        env: reached.env,
      });
    try {
      const cloned = await git([
        'clone',
        '--quiet',
        '--bare',
        '--filter=blob:none',
        '--no-tags',
        '--',
        reached.url,
        'repo',
      ]);
      if (!cloned.ok) throw new RepositoryUnreadableError(describeFailure(cloned, timeoutMs));
      return await use(git);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

export type GitRepositories = ReturnType<typeof createGitRepositories>;

/** How git is to reach a repository: the URL to clone, extra `-c` settings, extra environment. */
interface Reach {
  url: string;
  args: string[];
  env: Record<string, string>;
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The host, port and transport of a remote repository URL; null for local ones (file://, paths). */
export function remoteOf(
  url: string,
): { scheme: 'http' | 'https' | 'ssh'; host: string; port: number } | null {
  if (isLocalRepository(url)) return null;
  // The WHATWG parser normalises hosts: `2852039166` and `0xA9FEA9FE` become 169.254.169.254.
  const normalise = (host: string) => new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1');
  try {
    const scp = /^[A-Za-z0-9_][A-Za-z0-9._-]*@([^\s/:]+):/.exec(url);
    if (scp?.[1]) return { scheme: 'ssh', host: normalise(scp[1]), port: 22 };
    const parsed = new URL(url);
    const scheme = parsed.protocol.slice(0, -1);
    if (scheme !== 'http' && scheme !== 'https' && scheme !== 'ssh') return null;
    const port = Number(parsed.port) || { http: 80, https: 443, ssh: 22 }[scheme];
    return { scheme, host: normalise(parsed.hostname), port };
  } catch {
    return null;
  }
}

/**
 * ssh pinned to the checked `address`, host keys still looked up by `host`. Both go into a
 * shell command (GIT_SSH_COMMAND), so both are checked first: RepositoryUnreadableError.
 */
function sshCommand(host: string, address: string): string {
  if (!isIP(address) || !/^[a-z0-9][a-z0-9._-]*$/i.test(host)) {
    throw new RepositoryUnreadableError(`the host name ${JSON.stringify(host)} cannot be used over ssh`);
  }
  return `ssh -o BatchMode=yes -o ConnectTimeout=15 -o HostName=${address} -o HostKeyAlias=${host}`;
}

/** The environment without the server's git settings, prompts or askpass programs. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o ConnectTimeout=15',
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
  };
}

/** Runs git in its own process group so that a timeout also ends its helpers (ssh, remote-https). */
function runGit(
  args: string[],
  options: { cwd: string; deadline: number; limitBytes: number; env?: Record<string, string> },
): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...gitEnvironment(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failed = false;
    let timedOut = false;
    const stop = () => {
      failed = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(
      () => {
        timedOut = true;
        stop();
      },
      Math.max(options.deadline - Date.now(), 0),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > options.limitBytes) stop();
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      if (stderrBytes <= 64 * 1024) stderr.push(chunk);
    });
    const finish = (code: number | null) => {
      clearTimeout(timer);
      resolve({
        ok: code === 0 && !failed,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    };
    child.on('error', (error) => {
      stderr.push(Buffer.from(`fatal: cannot run git: ${error.message}`));
      finish(null);
    });
    child.on('close', finish);
  });
}

/** git's own reason, first "fatal:" line, with any credentials in URLs removed. */
function describeFailure(result: GitResult, timeoutMs: number): string {
  if (result.timedOut) return `git did not answer within ${Math.round(timeoutMs / 1000)} s`;
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const reason = lines.find((line) => line.startsWith('fatal:')) ?? lines.at(-1) ?? 'git failed';
  return reason
    .replace(/^fatal:\s*/, '')
    .replace(/(\w+:\/\/)[^/@\s]*@/g, '$1')
    .slice(0, 300);
}
