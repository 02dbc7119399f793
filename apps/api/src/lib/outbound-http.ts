// HTTP(S) requests to addresses users typed, through an undici Agent whose sockets resolve
// the host with a lookup that checks every address (outbound-guard.ts) and connect only to
// what it returned: the name is never looked up a second time, and every connection —
// redirects included, each opens its own — passes the same check. TLS still verifies the
// certificate against the name, and the Host header keeps the name. The approach of the
// request-filtering-agent package, for undici's fetch.
//
// With a proxy configured (OutboundPolicy.proxy: http_proxy, https_proxy, no_proxy), requests
// go through undici's EnvHttpProxyAgent, as GitLab sends its webhooks through the proxy of its
// environment: every destination — each redirect hop too — is resolved and checked here
// before the request is handed on, and destinations in no_proxy still connect through the
// pinned connector. The proxy resolves the name again itself: a DNS answer that changes in
// between is the proxy's to guard (GitLab accepts the same).
import net, { type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
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
  const proxy = policy.proxy;
  const dispatcher =
    proxy?.httpProxy || proxy?.httpsProxy
      ? new EnvHttpProxyAgent({
          // '' (not undefined): EnvHttpProxyAgent would read process.env itself otherwise.
          httpProxy: proxy.httpProxy ?? '',
          httpsProxy: proxy.httpsProxy ?? '',
          noProxy: proxy.noProxy ?? '',
          connect,
        }).compose(checkingDestinations(policy))
      : new Agent({ connect });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

/**
 * An interceptor that resolves and checks the destination of every request (every redirect
 * is a request of its own) before it goes on to the proxy; a refused one fails with the
 * OutboundAddressError, as undici's own dns interceptor reports its lookups' errors.
 */
function checkingDestinations(policy: OutboundPolicy): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const host = new URL(String(options.origin)).hostname;
    resolveOutbound(host, policy).then(
      () => dispatch(options, handler),
      (error: Error) => handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, error),
    );
    return true;
  };
}
