// The check before every connection the server makes to an address a user typed (repository
// URLs, notification receivers): resolve the name, refuse it when any of its addresses is in
// the local network (see outbound-address.ts), and hand back the checked addresses so the
// caller connects to exactly those — no second lookup, so no DNS-rebinding window. The model
// is GitLab's UrlBlocker and the request-filtering-agent package: the check runs in the
// socket's own `lookup`, for the first request and for every redirect.
import dns from 'node:dns';
import net from 'node:net';
import { BadRequestError } from './errors.ts';
import { blockedRangeOf } from './outbound-address.ts';

/** The environment variable that lets the server connect to local-network addresses. */
export const ALLOW_LOCAL_NETWORK_SETTING = 'SLIPWAY_ALLOW_LOCAL_NETWORK';

/** One resolved address (`family` 4 or 6), as `dns.lookup(…, { all: true })` gives them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all its addresses; rejects when it has none (ENOTFOUND…). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** What the server may connect to on a user's behalf. */
export interface OutboundPolicy {
  /** SLIPWAY_ALLOW_LOCAL_NETWORK: connect to loopback, private, link-local… addresses too. */
  allowLocalNetwork: boolean;
  /** The resolver (default: the system's, `dns.lookup` with `all: true`); tests inject one. */
  resolve?: ResolveHost | undefined;
  /** Addresses allowed although local (exact literals, e.g. an internal Git server's). */
  allowedAddresses?: readonly string[] | undefined;
  /** The HTTP(S) proxy to send requests through (http_proxy, https_proxy, no_proxy); none: direct. */
  proxy?: OutboundProxy | undefined;
}

/**
 * Proxy settings as the standard environment variables give them (curl's and GitLab's
 * reading: `http_proxy`/`HTTP_PROXY` for http:// URLs, `https_proxy`/`HTTPS_PROXY` for
 * https://, `no_proxy`/`NO_PROXY` a comma-separated list of hosts, domains and ports to reach
 * directly). The proxy is the operator's, so its own address is never checked; the
 * destination still is (resolved here) before a request is handed to it.
 */
export interface OutboundProxy {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
}

/**
 * The server refused to connect: `host` is or resolves to `address`, which is in `range`
 * (e.g. "loopback"). The message names the setting that allows it.
 */
export class OutboundAddressError extends Error {
  override name = 'OutboundAddressError';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    const what = host === address ? address : `${host} (${address})`;
    super(
      `${what} is a ${range} address: this server does not connect to the local network unless ${ALLOW_LOCAL_NETWORK_SETTING}=true`,
    );
  }
}

const systemResolve: ResolveHost = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** `host` without IPv6 brackets, lower-cased, without a trailing dot. */
function bareHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');
}

/**
 * Every address of `host` (an IP literal is its own address), each checked against the
 * policy. Throws OutboundAddressError when one of them is local and not allowed (GitLab
 * refuses a name when any of its addresses is local: a client may pick any of them), and
 * the resolver's error (ENOTFOUND…) when the name does not resolve.
 */
export async function resolveOutbound(host: string, policy: OutboundPolicy): Promise<ResolvedAddress[]> {
  const name = bareHost(host);
  const family = net.isIP(name);
  const addresses = family ? [{ address: name, family }] : await (policy.resolve ?? systemResolve)(name);
  if (addresses.length === 0) throw Object.assign(new Error(`${name} has no address`), { code: 'ENOTFOUND' });
  if (!policy.allowLocalNetwork) {
    for (const { address } of addresses) {
      const range = blockedRangeOf(address);
      if (range && !policy.allowedAddresses?.includes(address)) {
        throw new OutboundAddressError(name, address, range);
      }
    }
  }
  return addresses;
}

/**
 * Refuses `host` when it is or resolves to a local address (OutboundAddressError), for a
 * check when an address is saved: a name that does not resolve within `timeoutMs` (or at
 * all) passes — it is checked again at every connection.
 */
export async function refuseLocalHost(
  host: string,
  policy: OutboundPolicy,
  timeoutMs = 1_500,
): Promise<void> {
  if (policy.allowLocalNetwork) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([resolveOutbound(host, policy), late]);
  } catch (error) {
    if (error instanceof OutboundAddressError) throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 400 naming `field` (e.g. `body.repoUrl`) when the address a user is saving is or resolves
 * to a local one (refuseLocalHost); the message names SLIPWAY_ALLOW_LOCAL_NETWORK.
 */
export async function refuseLocalAddress(
  host: string | null | undefined,
  policy: OutboundPolicy,
  field: string,
): Promise<void> {
  if (!host) return;
  try {
    await refuseLocalHost(host, policy);
  } catch (error) {
    if (!(error instanceof OutboundAddressError)) throw error;
    throw new BadRequestError(`${field.replace(/^body\./, '')} is in the local network`, [
      { field, message: error.message },
    ]);
  }
}
