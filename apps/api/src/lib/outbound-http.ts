// HTTP(S) requests to addresses users typed, through an undici Agent whose sockets resolve
// the host with a lookup that checks every address (outbound-guard.ts) and connect only to
// what it returned: the name is never looked up a second time, and every connection —
// redirects included, each opens its own — passes the same check. TLS still verifies the
// certificate against the name, and the Host header keeps the name. The approach of the
// request-filtering-agent package, for undici's fetch.
import net, { type LookupFunction } from 'node:net';
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
  // The socket's own lookup: net and tls connect only to the addresses it hands back (all of
  // them checked; happy eyeballs picks among them), and the TLS name stays the host's.
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveOutbound(hostname, policy).then(
      (addresses) => {
        const [first] = addresses;
        if (options.all) callback(null, addresses);
        else if (first) callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  const base = buildConnector({ timeout: connectTimeoutMs, lookup });
  // Sockets skip the lookup for IP literals: those are checked here.
  const connect: buildConnector.connector = (options, callback) => {
    const name = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!net.isIP(name)) return base(options, callback);
    resolveOutbound(name, policy).then(
      () => base(options, callback),
      (error: Error) => callback(error, null),
    );
  };
  const dispatcher = new Agent({ connect });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}
