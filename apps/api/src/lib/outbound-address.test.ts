import { describe, expect, it } from 'vitest';
import { remoteOf } from './git-repository.ts';
import { blockedRangeOf } from './outbound-address.ts';
import { OutboundAddressError, resolveOutbound } from './outbound-guard.ts';

/** The host the server would connect to for `url`, as the WHATWG URL parser normalises it. */
const hostOf = (url: string) => new URL(url).hostname;

describe('blockedRangeOf', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT (shared)'],
    ['100.100.100.200', 'carrier-grade NAT (shared)'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique local (private)'],
    ['fd12:3456::1', 'unique local (private)'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo tunnel'],
  ])('refuses %s (%s)', (address, range) => {
    expect(blockedRangeOf(address)).toBe(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:0:192.168.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
  ])('judges %s by the IPv4 address it carries (%s)', (address, range) => {
    expect(blockedRangeOf(address)).toBe(range);
  });

  it.each([
    ['http://2852039166/', 'cloud metadata'],
    ['http://0xA9FEA9FE/', 'cloud metadata'],
    ['http://0251.0376.0251.0376/', 'cloud metadata'],
    ['http://0x7f.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', 'cloud metadata'],
  ])('refuses the decimal, octal and hex forms of local addresses: %s', (url, range) => {
    expect(blockedRangeOf(hostOf(url))).toBe(range);
    expect(blockedRangeOf(remoteOf(url)?.host ?? '')).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(blockedRangeOf(address)).toBeNull();
  });

  it('refuses what is not an IP address', () => {
    expect(blockedRangeOf('example.com')).toBe('not an IP address');
  });
});

describe('remoteOf', () => {
  it('finds the host and port of every transport, none for local repositories', () => {
    expect(remoteOf('https://git.example.com/team/app.git')).toEqual({
      scheme: 'https',
      host: 'git.example.com',
      port: 443,
    });
    expect(remoteOf('http://[::1]:8080/app.git')).toEqual({ scheme: 'http', host: '::1', port: 8080 });
    expect(remoteOf('ssh://git@10.0.0.5:2222/app.git')).toEqual({
      scheme: 'ssh',
      host: '10.0.0.5',
      port: 2222,
    });
    expect(remoteOf('ssh://git@2852039166/app.git')?.host).toBe('169.254.169.254');
    expect(remoteOf('git@github.com:team/app.git')).toEqual({ scheme: 'ssh', host: 'github.com', port: 22 });
    expect(remoteOf('git@0x7f000001:team/app.git')?.host).toBe('127.0.0.1');
    expect(remoteOf('file:///srv/git/app')).toBeNull();
    expect(remoteOf('/srv/git/app')).toBeNull();
  });
});

describe('resolveOutbound', () => {
  const resolvingTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a public-looking name when any of its addresses is local', async () => {
    const policy = { allowLocalNetwork: false, resolve: resolvingTo('93.184.215.14', '127.0.0.1') };
    const refused = resolveOutbound('git.example.com', policy);
    await expect(refused).rejects.toBeInstanceOf(OutboundAddressError);
    await expect(refused).rejects.toThrow(
      'git.example.com (127.0.0.1) is a loopback address: this server does not connect to the local network unless SLIPWAY_ALLOW_LOCAL_NETWORK=true',
    );
  });

  it('hands back the checked addresses, and allows local ones only when the policy does', async () => {
    const resolve = resolvingTo('10.0.0.7');
    await expect(resolveOutbound('git.example.com', { allowLocalNetwork: false, resolve })).rejects.toThrow(
      /private address/,
    );
    await expect(resolveOutbound('git.example.com', { allowLocalNetwork: true, resolve })).resolves.toEqual([
      { address: '10.0.0.7', family: 4 },
    ]);
    await expect(
      resolveOutbound('git.example.com', {
        allowLocalNetwork: false,
        resolve,
        allowedAddresses: ['10.0.0.7'],
      }),
    ).resolves.toHaveLength(1);
    await expect(
      resolveOutbound('public.example', { allowLocalNetwork: false, resolve: resolvingTo('8.8.8.8') }),
    ).resolves.toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('checks IP literals without resolving them', async () => {
    const resolve = async () => {
      throw new Error('no lookup expected');
    };
    await expect(resolveOutbound('[::1]', { allowLocalNetwork: false, resolve })).rejects.toThrow(
      '::1 is a loopback address',
    );
    await expect(resolveOutbound('8.8.4.4', { allowLocalNetwork: false, resolve })).resolves.toEqual([
      { address: '8.8.4.4', family: 4 },
    ]);
  });
});
