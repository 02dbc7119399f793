import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The security headers of every answer, as helmet sets them for this configuration. Helmet
 * decides them (its defaults plus our Content-Security-Policy); they do not depend on the
 * request here (no nonces), so they are computed once: the hook that sets them costs nothing
 * per request, and the answers given before any hook runs — the router's 414 and malformed-URL
 * 400 (`frameworkErrors`) and Node's parser's 431/400/408 (`clientErrorHandler`, written to the
 * socket) — carry the same ones (found in #17: they carried none).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = collect(
  helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'worker-src': ["'self'", 'blob:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Slipway is often reached over plain http on a private address; upgrading would break it.
        'upgrade-insecure-requests': null,
      },
    },
  }),
);

/** Runs helmet's middleware once against a response that only records the headers it sets. */
function collect(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return headers;
}

/** The headers as lines of a raw HTTP response head (`Name: value\r\n` each). */
export function securityHeaderLines(): string {
  return Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
}
