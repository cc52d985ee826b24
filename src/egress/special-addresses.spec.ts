import fc from 'fast-check';
import { refusedAddress } from './special-addresses';

/** One address inside each refused range of the IANA registries, and what the refusal must name. */
const REFUSED: Array<[string, RegExp]> = [
  ['0.0.0.0', /"this network", 0\.0\.0\.0\/8/],
  ['0.255.1.2', /"this network"/],
  ['10.0.0.1', /private, 10\.0\.0\.0\/8, RFC 1918/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.127.255.254', /100\.64\.0\.0\/10/],
  ['127.0.0.1', /loopback, 127\.0\.0\.0\/8/],
  ['127.0.0.2', /loopback/],
  ['169.254.169.254', /link-local \(cloud metadata\), 169\.254\.0\.0\/16, RFC 3927/],
  ['172.16.0.1', /private, 172\.16\.0\.0\/12/],
  ['172.31.255.255', /private/],
  ['192.0.0.1', /IETF protocol assignments, 192\.0\.0\.0\/24/],
  ['192.0.0.9', /IETF protocol assignments/],
  ['192.0.2.1', /TEST-NET-1/],
  ['192.88.99.1', /6to4 relay anycast/],
  ['192.168.1.1', /private, 192\.168\.0\.0\/16/],
  ['198.18.0.1', /benchmarking/],
  ['198.19.255.255', /benchmarking/],
  ['198.51.100.7', /TEST-NET-2/],
  ['203.0.113.9', /TEST-NET-3/],
  ['224.0.0.1', /multicast, 224\.0\.0\.0\/4/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved, 240\.0\.0\.0\/4/],
  ['255.255.255.255', /limited broadcast/],
  ['::', /unspecified, ::\/128/],
  ['::1', /loopback, ::1\/128/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['::ffff:127.0.0.1', /IPv4-mapped, ::ffff:0:0\/96, RFC 4291, embedding 127\.0\.0\.1: loopback/],
  ['0:0:0:0:0:ffff:7f00:1', /IPv4-mapped.*embedding 127\.0\.0\.1/],
  ['::FFFF:A9FE:A9FE', /IPv4-mapped.*embedding 169\.254\.169\.254: link-local/],
  ['::ffff:8.8.8.8', /IPv4-mapped/],
  ['::127.0.0.1', /IPv4-compatible \(deprecated\).*embedding 127\.0\.0\.1/],
  ['::8.8.8.8', /IPv4-compatible/],
  ['64:ff9b::a9fe:a9fe', /NAT64, 64:ff9b::\/96, RFC 6052, embedding 169\.254\.169\.254: link-local/],
  ['64:ff9b::127.0.0.1', /NAT64.*embedding 127\.0\.0\.1: loopback/],
  ['64:ff9b::10.1.2.3', /NAT64.*private/],
  ['64:ff9b:1::8.8.8.8', /local-use NAT64, 64:ff9b:1::\/48, RFC 8215/],
  ['100::1', /discard-only, 100::\/64/],
  ['2001::1', /Teredo, 2001::\/32/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['2001:10::1', /IETF protocol assignments, 2001::\/23/],
  ['2001:1ff::1', /2001::\/23/],
  ['2001:db8::1', /documentation, 2001:db8::\/32/],
  ['2002:7f00:1::', /6to4, 2002::\/16/],
  ['2002:a9fe:a9fe::1', /6to4/],
  ['2002:808:808::1', /6to4/],
  ['3fff::1', /documentation, 3fff::\/20/],
  ['fc00::1', /unique local, fc00::\/7/],
  ['fd12:3456::1', /unique local/],
  ['fe80::1', /link-local, fe80::\/10/],
  ['fe80::1%eth0', /link-local/],
  ['FE80::ABCD', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast, ff00::\/8/],
  ['4000::1', /outside 2000::\/3/],
  ['1234::1', /outside 2000::\/3/],
  ['2606:4700::5efe:7f00:1', /ISATAP.*embedding 127\.0\.0\.1: loopback/],
  ['2606:4700::200:5efe:169.254.169.254', /ISATAP.*link-local/],
  ['localhost', /not an IP address/],
  ['0177.0.0.1', /not an IP address/],
];

const ALLOWED = [
  '8.8.8.8',
  '93.184.216.34',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '192.0.1.1',
  '198.20.0.1',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001::200e',
  '64:ff9b::8.8.8.8',
  '64:ff9b::5db8:d822',
  '2001:200::1',
  '2606:4700::5efe:808:808',
];

describe('refusedAddress', () => {
  it.each(REFUSED)('refuses %s, naming why', (address, why) => {
    expect(refusedAddress(address)).toMatch(why);
  });

  it.each(ALLOWED)('allows the global unicast address %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });
});

/** Any IPv4 address as a 32-bit number, and in each of the refused IPv4 ranges. */
const ipv4 = fc.integer({ min: 0, max: 0xffffffff });
const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
const hex = (n: number) => `${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
const REFUSED_V4_BASES: Array<[number, number]> = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0000200, 24],
  [0xc0586300, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xc6336400, 24],
  [0xcb007100, 24],
  [0xe0000000, 4],
  [0xf0000000, 4],
];
const refusedV4 = fc
  .tuple(fc.constantFrom(...REFUSED_V4_BASES), ipv4)
  .map(([[base, length], r]) => (base | (r >>> length)) >>> 0);

/** Every IPv6 spelling of an address that carries `v4`. */
const embeddings = (v4: number): string[] => [
  `::ffff:${dotted(v4)}`,
  `::ffff:${hex(v4)}`,
  `0:0:0:0:0:FFFF:${hex(v4)}`,
  `::${dotted(v4)}`,
  `64:ff9b::${dotted(v4)}`,
  `64:ff9b::${hex(v4)}`,
  `64:ff9b:0:0:0:0:${hex(v4)}`,
  `64:ff9b:1::${hex(v4)}`,
  `2002:${hex(v4)}::1`,
  `2001:0:4136:e378:8000:63bf:${hex(~v4 >>> 0)}`,
  `2606:4700::5efe:${dotted(v4)}`,
  `2606:4700::200:5efe:${hex(v4)}`,
];

describe('refusedAddress, properties', () => {
  it('refuses every IPv4 address of a refused range, in every IPv6 form that embeds it', () => {
    fc.assert(
      fc.property(refusedV4, (v4) => {
        expect(refusedAddress(dotted(v4))).toBeDefined();
        for (const form of embeddings(v4)) expect([form, refusedAddress(form)]).toEqual([form, expect.any(String)]);
      }),
    );
  });

  it('allows a NAT64 address exactly when its IPv4 address is allowed', () => {
    fc.assert(
      fc.property(ipv4, (v4) =>
        expect(refusedAddress(`64:ff9b::${hex(v4)}`) === undefined).toBe(refusedAddress(dotted(v4)) === undefined),
      ),
    );
  });

  it('refuses every IPv6 address outside 2000::/3', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const outside = fc.tuple(
      group.filter((g) => g >> 13 !== 1),
      fc.array(group, { minLength: 7, maxLength: 7 }),
    );
    fc.assert(
      fc.property(outside, ([first, rest]) =>
        expect(refusedAddress([first, ...rest].map((g) => g.toString(16)).join(':'))).toBeDefined(),
      ),
    );
  });
});
