import { isIP } from 'node:net';

/**
 * Which addresses are not global unicast, from the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (iana.org/assignments/iana-ipv4-special-registry and
 * iana-ipv6-special-registry). A user's URL may only reach a global unicast address:
 * everything listed here is refused, and so is any IPv6 address outside 2000::/3.
 *
 * IPv6 forms that carry an IPv4 address are decided as follows:
 * - NAT64 with the well-known prefix 64:ff9b::/96 (RFC 6052) is how an IPv6-only network
 *   with DNS64 reaches public IPv4 hosts, so it is allowed exactly when its embedded IPv4
 *   address is (64:ff9b::a9fe:a9fe, the metadata address, is refused as link-local).
 * - ISATAP interface identifiers (…:0:5efe:a.b.c.d, RFC 5214) inside a global prefix are
 *   refused when the embedded IPv4 address is refused.
 * - Every other form is refused outright, whatever it embeds: IPv4-mapped ::ffff:0:0/96 (a
 *   public host has a plain IPv4 address for that), IPv4-compatible ::/96 (deprecated),
 *   local-use NAT64 64:ff9b:1::/48 (site-specific, and its IPv4 may sit at several
 *   offsets), 6to4 2002::/16 (deprecated relays, RFC 7526) and Teredo 2001::/32 (inside
 *   2001::/23; its client address is obfuscated).
 */
interface Range {
  cidr: string;
  what: string;
  rfc: string;
}

const IPV4_RANGES: readonly Range[] = [
  { cidr: '0.0.0.0/8', what: '"this network"', rfc: 'RFC 791' },
  { cidr: '10.0.0.0/8', what: 'private', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', what: 'shared address space (carrier-grade NAT)', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', what: 'loopback', rfc: 'RFC 1122' },
  { cidr: '169.254.0.0/16', what: 'link-local (cloud metadata)', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', what: 'private', rfc: 'RFC 1918' },
  // Includes 192.0.0.9 and 192.0.0.10 (anycast PCP, TURN), which no user target needs.
  { cidr: '192.0.0.0/24', what: 'IETF protocol assignments', rfc: 'RFC 6890' },
  { cidr: '192.0.2.0/24', what: 'documentation (TEST-NET-1)', rfc: 'RFC 5737' },
  { cidr: '192.88.99.0/24', what: '6to4 relay anycast (deprecated)', rfc: 'RFC 7526' },
  { cidr: '192.168.0.0/16', what: 'private', rfc: 'RFC 1918' },
  { cidr: '198.18.0.0/15', what: 'benchmarking', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', what: 'documentation (TEST-NET-2)', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', what: 'documentation (TEST-NET-3)', rfc: 'RFC 5737' },
  { cidr: '224.0.0.0/4', what: 'multicast', rfc: 'RFC 5771' },
  { cidr: '255.255.255.255/32', what: 'limited broadcast', rfc: 'RFC 919' },
  { cidr: '240.0.0.0/4', what: 'reserved', rfc: 'RFC 1112' },
];

const IPV6_RANGES: readonly Range[] = [
  { cidr: '::/128', what: 'unspecified', rfc: 'RFC 4291' },
  { cidr: '::1/128', what: 'loopback', rfc: 'RFC 4291' },
  { cidr: '::ffff:0:0/96', what: 'IPv4-mapped', rfc: 'RFC 4291' },
  { cidr: '::/96', what: 'IPv4-compatible (deprecated)', rfc: 'RFC 4291' },
  { cidr: '64:ff9b:1::/48', what: 'local-use NAT64', rfc: 'RFC 8215' },
  { cidr: '100::/64', what: 'discard-only', rfc: 'RFC 6666' },
  { cidr: '2001::/32', what: 'Teredo', rfc: 'RFC 4380' },
  { cidr: '2001::/23', what: 'IETF protocol assignments', rfc: 'RFC 2928' },
  { cidr: '2001:db8::/32', what: 'documentation', rfc: 'RFC 3849' },
  { cidr: '2002::/16', what: '6to4', rfc: 'RFC 3056' },
  { cidr: '3fff::/20', what: 'documentation', rfc: 'RFC 9637' },
  { cidr: 'fc00::/7', what: 'unique local', rfc: 'RFC 4193' },
  { cidr: 'fe80::/10', what: 'link-local', rfc: 'RFC 4291' },
  { cidr: 'fec0::/10', what: 'site-local (deprecated)', rfc: 'RFC 3879' },
  { cidr: 'ff00::/8', what: 'multicast', rfc: 'RFC 4291' },
];

const NAT64 = { cidr: '64:ff9b::/96', what: 'NAT64', rfc: 'RFC 6052' };
const GLOBAL_UNICAST_V6 = parseIPv6('2000::')!;

interface Compiled extends Range {
  bits: 32 | 128;
  net: bigint;
  length: number;
}

function compile(range: Range): Compiled {
  const [address, length] = range.cidr.split('/');
  const v4 = parseIPv4(address);
  return { ...range, bits: v4 === undefined ? 128 : 32, net: v4 ?? parseIPv6(address)!, length: Number(length) };
}

const V4 = IPV4_RANGES.map(compile);
const V6 = IPV6_RANGES.map(compile);
const NAT64_RANGE = compile(NAT64);

function inRange(value: bigint, range: Compiled): boolean {
  const shift = BigInt(range.bits - range.length);
  return value >> shift === range.net >> shift;
}

/** Dotted-decimal IPv4 (the only form `isIP` and DNS answers use) as a 32-bit number. */
function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/** Any textual IPv6 (compressed, upper case, a trailing dotted IPv4, a zone id) as a 128-bit number. */
function parseIPv6(text: string): bigint | undefined {
  let rest = text.replace(/%.*$/, '').toLowerCase();
  // A trailing dotted IPv4 (::ffff:127.0.0.1) is the last two groups written another way.
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]);
    if (v4 === undefined) return undefined;
    rest = `${rest.slice(0, dotted.index + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]);
  const back = halves.length === 2 ? group(halves[1]) : [];
  if ([...head, ...back].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const known = head.length + back.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [
    ...head.map((g) => BigInt(`0x${g}`)),
    ...Array<bigint>(8 - known).fill(0n),
    ...back.map((g) => BigInt(`0x${g}`)),
  ];
  return groups.reduce((n, g) => (n << 16n) | g, 0n);
}

function describe(range: Compiled): string {
  return `${range.what}, ${range.cidr}, ${range.rfc}`;
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

function refusedIPv4(value: bigint): string | undefined {
  const range = V4.find((r) => inRange(value, r));
  return range && describe(range);
}

function refusedIPv6(value: bigint): string | undefined {
  const low32 = value & 0xffffffffn;
  if (inRange(value, NAT64_RANGE)) {
    const inner = refusedIPv4(low32);
    return inner && `${describe(NAT64_RANGE)}, embedding ${formatIPv4(low32)}: ${inner}`;
  }
  const range = V6.find((r) => inRange(value, r));
  if (range) {
    // Name what the form embeds too, when that is what makes it dangerous.
    const embeds = range.cidr === '::ffff:0:0/96' || range.cidr === '::/96' ? refusedIPv4(low32) : undefined;
    return embeds ? `${describe(range)}, embedding ${formatIPv4(low32)}: ${embeds}` : describe(range);
  }
  if (value >> 125n !== GLOBAL_UNICAST_V6 >> 125n) return 'not global unicast, outside 2000::/3, RFC 4291';
  // ISATAP: the interface identifier 0000:5efe or 0200:5efe carries an IPv4 address.
  const isatap = (value >> 32n) & 0xfdffffffn;
  if (isatap === 0x00005efen) {
    const inner = refusedIPv4(low32);
    if (inner) return `ISATAP, RFC 5214, embedding ${formatIPv4(low32)}: ${inner}`;
  }
  return undefined;
}

/**
 * Why `address` (an IP address in any textual form) is not global unicast, e.g.
 * "link-local (cloud metadata), 169.254.0.0/16, RFC 3927"; undefined when it is. What is
 * not an IP address at all is refused too.
 */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) {
    const value = parseIPv4(address);
    return value === undefined ? 'not an IP address' : refusedIPv4(value);
  }
  const value = family === 6 ? parseIPv6(address) : undefined;
  return value === undefined ? 'not an IP address' : refusedIPv6(value);
}
