// Which IP addresses the server may connect to on a user's behalf. Modelled on GitLab's
// UrlBlocker ("allow requests to the local network" off): loopback, link-local (the cloud
// metadata services at 169.254.169.254 and fd00:ec2::254 included), private, CGNAT,
// unspecified, multicast, broadcast and reserved addresses are refused; IPv6 forms that
// carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
// Ranges come from ipaddr.js (IANA special-purpose registries, RFC 6890).
import ipaddr from 'ipaddr.js';

/** ipaddr.js range names the server never connects to (unless the local network is allowed). */
const BLOCKED_IPV4 = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
]);

/** Every IPv6 range but plain global unicast is refused, except those judged by their IPv4 part. */
const ALLOWED_IPV6 = new Set(['unicast']);

/** Human names of the ranges, for error messages. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (shared)',
  private: 'private',
  reserved: 'reserved',
  uniqueLocal: 'unique local (private)',
  teredo: 'Teredo tunnel',
};

/**
 * Why `address` (an IPv4 or IPv6 literal, any form ipaddr.js parses: dotted, decimal
 * `2852039166`, octal `0251.0376.0251.0376`, hex, `[::1]`, with or without a zone) is not an
 * address the server connects to — e.g. "loopback", "link-local" — or null when it is a
 * public unicast address. A string that is not an IP address is refused ("not an IP address").
 */
export function blockedRangeOf(address: string): string | null {
  const literal = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!ipaddr.isValid(literal)) return 'not an IP address';
  const parsed = ipaddr.parse(literal);
  if (parsed.kind() === 'ipv4') return ipv4Verdict(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIpv4(v6);
  if (embedded) return ipv4Verdict(embedded);
  const range = v6.range();
  if (metadataIpv6(v6)) return 'cloud metadata';
  return ALLOWED_IPV6.has(range) ? null : (RANGE_NAMES[range] ?? range);
}

function ipv4Verdict(address: ipaddr.IPv4): string | null {
  const bytes = address.toByteArray();
  if (bytes.join('.') === '169.254.169.254') return 'cloud metadata';
  const range = address.range();
  return BLOCKED_IPV4.has(range) ? (RANGE_NAMES[range] ?? range) : null;
}

/** AWS's IPv6 instance metadata address (inside fc00::/7, named for the message). */
function metadataIpv6(address: ipaddr.IPv6): boolean {
  return address.toNormalizedString() === 'fd00:ec2:0:0:0:0:0:254';
}

/**
 * The IPv4 address an IPv6 one stands for: IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated
 * `::ffff:0:a.b.c.d` (RFC 6145), IPv4-compatible `::a.b.c.d` (deprecated, RFC 4291), NAT64
 * `64:ff9b::a.b.c.d` (RFC 6052) and 6to4 `2002:AABB:CCDD::` (RFC 3056).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = address.parts;
  const last = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return last(p[6] ?? 0, p[7] ?? 0);
  if (range === 'rfc6052') return last(p[6] ?? 0, p[7] ?? 0);
  if (range === '6to4') return last(p[1] ?? 0, p[2] ?? 0);
  // ::a.b.c.d (but not :: and ::1, which have ranges of their own).
  if (p.slice(0, 6).every((part) => part === 0) && (p[6] ?? 0) !== 0) return last(p[6] ?? 0, p[7] ?? 0);
  return null;
}
