// HTTP(S) requests to addresses users typed, through an undici Agent whose connector
// resolves and checks the host (outbound-guard.ts) and then connects to the checked address
// itself: the name is never looked up a second time, and every connection — redirects
// included, each opens its own — passes the same check. TLS still verifies the certificate
// against the name (SNI `servername`), and the Host header keeps the name.
import net from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { type OutboundPolicy, resolveOutbound } from './outbound-guard.ts';

/** `fetch` limited by an OutboundPolicy; refused connections reject with a TypeError whose `cause` is an OutboundAddressError. */
export type OutboundFetch = (
  url: string | URL,
  init?: Parameters<typeof undiciFetch>[1],
) => ReturnType<typeof undiciFetch>;

/**
 * A `fetch` (undici's, WHATWG semantics) whose connections go only where `policy` allows.
 * `connectTimeoutMs` bounds resolving plus connecting (default 10 s).
 */
export function createOutboundFetch(policy: OutboundPolicy, connectTimeoutMs = 10_000): OutboundFetch {
  const base = buildConnector({ timeout: connectTimeoutMs });
  const connect: buildConnector.connector = (options, callback) => {
    const name = options.hostname.replace(/^\[(.*)\]$/, '$1');
    resolveOutbound(name, policy).then(
      ([first]) => {
        if (!first) return callback(new Error(`${name} has no address`), null);
        const servername = options.servername || (net.isIP(name) ? undefined : name);
        base({ ...options, hostname: first.address, ...(servername ? { servername } : {}) }, callback);
      },
      (error: Error) => callback(error, null),
    );
  };
  const dispatcher = new Agent({ connect });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}
