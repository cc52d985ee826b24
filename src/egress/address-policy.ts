import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a user's URL may not reach: loopback, private, link-local (cloud metadata), and the like. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address in disguise.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? blocked.check(mapped[1], 'ipv4') : blocked.check(address, 'ipv6');
  }
  return true;
}

export type EgressVerdict = { allowed: true } | { allowed: false; reason: string };
export type Resolution = { allowed: true; address: string } | { allowed: false; reason: string };

/**
 * The SSRF guard for every URL a user gives us: only http(s), and no host that is or
 * resolves to a private address, unless the host is listed in ALLOWED_PRIVATE_HOSTS.
 */
export class AddressPolicy {
  private readonly allowedHosts: Set<string>;

  constructor(allowedPrivateHosts: readonly string[]) {
    this.allowedHosts = new Set(allowedPrivateHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  }

  /**
   * The address to connect to for `host`, checked: connecting to exactly this address (not
   * resolving again) is what makes the check hold at connect time.
   */
  async resolve(hostname: string): Promise<Resolution> {
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((r) => r.map((a) => a.address), () => []);
    if (addresses.length === 0) return { allowed: false, reason: `${host} does not resolve` };
    if (this.allowedHosts.has(host)) return { allowed: true, address: addresses[0] };
    const bad = addresses.find(isPrivateAddress);
    if (bad) return { allowed: false, reason: `${host} resolves to a private address (${bad}); list it in ALLOWED_PRIVATE_HOSTS to allow it` };
    return { allowed: true, address: addresses[0] };
  }

  async check(rawUrl: string): Promise<EgressVerdict> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { allowed: false, reason: `not a valid URL: ${rawUrl}` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { allowed: false, reason: `only http and https are allowed, not ${url.protocol}` };
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (this.allowedHosts.has(host)) return { allowed: true };
    const resolution = await this.resolve(host);
    return resolution.allowed ? { allowed: true } : resolution;
  }
}
