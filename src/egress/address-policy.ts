import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { refusedAddress } from './special-addresses';

/** True when `address` is not global unicast (see special-addresses.ts for the ranges). */
export function isPrivateAddress(address: string): boolean {
  return refusedAddress(address) !== undefined;
}

const ALLOW_HINT = 'list it in ALLOWED_PRIVATE_HOSTS to allow it';

/** A host as URLs spell it (lower case, IPv6 compressed, no brackets), so a listed host matches however it is written. */
function canonicalHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return isIP(bare) === 6 ? new URL(`http://[${bare.replace(/%.*$/, '')}]/`).hostname.slice(1, -1) : bare;
}

export type EgressVerdict = { allowed: true } | { allowed: false; reason: string };
export type Resolution = { allowed: true; address: string } | { allowed: false; reason: string };

/**
 * The SSRF guard for every URL a user gives us: only http(s), and no host that is or
 * resolves to an address that is not global unicast (loopback, private, link-local,
 * documentation, NAT64 of any of those...), unless the host is listed in
 * ALLOWED_PRIVATE_HOSTS. One refused address among a name's answers refuses the name.
 */
export class AddressPolicy {
  private readonly allowedHosts: Set<string>;

  constructor(allowedPrivateHosts: readonly string[]) {
    this.allowedHosts = new Set(allowedPrivateHosts.map(canonicalHost));
  }

  /**
   * The address to connect to for `host`, checked: connecting to exactly this address (not
   * resolving again) is what makes the check hold at connect time.
   */
  async resolve(hostname: string): Promise<Resolution> {
    const host = canonicalHost(hostname);
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (r) => r.map((a) => a.address),
          () => [],
        );
    if (addresses.length === 0) return { allowed: false, reason: `${host} does not resolve` };
    if (this.allowedHosts.has(host)) return { allowed: true, address: addresses[0] };
    for (const address of addresses) {
      const why = refusedAddress(address);
      if (!why) continue;
      const what = address === host ? host : `${host} resolves to ${address}, which`;
      return { allowed: false, reason: `${what} is not a public address (${why}); ${ALLOW_HINT}` };
    }
    return { allowed: true, address: addresses[0] };
  }

  async check(rawUrl: string): Promise<EgressVerdict> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { allowed: false, reason: `not a valid URL: ${rawUrl}` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { allowed: false, reason: `only http and https are allowed, not ${url.protocol}` };
    const host = canonicalHost(url.hostname);
    if (this.allowedHosts.has(host)) return { allowed: true };
    const resolution = await this.resolve(host);
    return resolution.allowed ? { allowed: true } : resolution;
  }
}
