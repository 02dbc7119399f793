// Outbound requests through an HTTP proxy (http_proxy, https_proxy, no_proxy), against a real
// proxy (the `proxy` package) and a real receiver on loopback: the request goes through the
// proxy, whose own address is the operator's and never checked; the destination — and every
// redirect's — is still checked before the proxy gets it; no_proxy hosts are reached directly.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundAddressError, type OutboundPolicy } from './outbound-guard.ts';
import { createOutboundFetch } from './outbound-http.ts';

function listen(server: http.Server, host: string): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });
}

describe('outbound requests through a proxy', () => {
  /** On 127.0.0.1, the one address the policies allow; `/away` redirects to 127.0.0.3. */
  let receiver: http.Server;
  let receiverUrl: string;
  /** On 127.0.0.2: a loopback address no policy allows (the proxy's is never checked). */
  let proxy: ProxyServer;
  let proxyUrl: string;
  const proxied: string[] = [];
  const received: string[] = [];

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      received.push(request.url ?? '');
      if (request.url === '/away') response.writeHead(302, { location: 'http://127.0.0.3:8/inside' });
      response.end('ok');
    });
    receiverUrl = await listen(receiver, '127.0.0.1');
    proxy = createProxy(http.createServer());
    proxy.on('request', (request: http.IncomingMessage) => proxied.push(request.url ?? ''));
    proxyUrl = await listen(proxy, '127.0.0.2');
  });
  afterAll(async () => {
    await Promise.all([receiver, proxy].map((server) => new Promise((resolve) => server?.close(resolve))));
  });

  const policy = (noProxy?: string): OutboundPolicy => ({
    allowLocalNetwork: false,
    allowedAddresses: ['127.0.0.1'],
    proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy },
  });
  const causeOf = async (request: Promise<unknown>) =>
    (
      await request.then(
        () => null,
        (e: Error) => e,
      )
    )?.cause;

  it('sends a request through the proxy, whose own address is not checked', async () => {
    const response = await createOutboundFetch(policy())(`${receiverUrl}/through`);
    expect(await response.text()).toBe('ok');
    expect(proxied).toContain(`${receiverUrl}/through`);
    expect(received).toContain('/through');
  });

  it('checks the destination, and every redirect’s, before the proxy gets it', async () => {
    const before = proxied.length;
    expect(await causeOf(createOutboundFetch(policy())('http://127.0.0.3:8/inside'))).toBeInstanceOf(
      OutboundAddressError,
    );
    expect(proxied).toHaveLength(before);
    expect(await causeOf(createOutboundFetch(policy())(`${receiverUrl}/away`))).toBeInstanceOf(
      OutboundAddressError,
    );
    expect(proxied).toEqual([...proxied.slice(0, before), `${receiverUrl}/away`]);
  });

  it('reaches no_proxy hosts directly, still through the checked connector', async () => {
    const before = proxied.length;
    const response = await createOutboundFetch(policy('127.0.0.1'))(`${receiverUrl}/direct`);
    expect(await response.text()).toBe('ok');
    expect(received).toContain('/direct');
    expect(proxied).toHaveLength(before);
    expect(await causeOf(createOutboundFetch(policy('127.0.0.3'))('http://127.0.0.3:8/x'))).toBeInstanceOf(
      OutboundAddressError,
    );
  });
});
