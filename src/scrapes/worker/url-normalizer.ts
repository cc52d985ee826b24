/** Query parameters that only track where a visitor came from: dropping them lets the same page keep one key. */
const TRACKING_PARAMS = new Set([
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'igshid',
  'yclid',
  'twclid',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/** Code-unit order rather than localeCompare, so a key never depends on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Drops tracking parameters and sorts the rest by name, then value. Each pair keeps its original spelling
 * (re-serialising through URLSearchParams would turn `%20` into `+` and `?a` into `?a=`, which some servers read differently).
 */
function normalizeQuery(search: string): string {
  const pairs = search
    .slice(1)
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const [name, value] = new URLSearchParams(raw).entries().next().value ?? ['', ''];
      return { raw, name, value };
    })
    .filter((pair) => !isTrackingParam(pair.name));
  // Array.prototype.sort is stable, so repeated identical pairs keep their order.
  pairs.sort((a, b) => compare(a.name, b.name) || compare(a.value, b.value));
  return pairs.length ? `?${pairs.map((pair) => pair.raw).join('&')}` : '';
}

/**
 * The one key a crawled page is known by, or undefined when `raw` is not an http(s) URL.
 * URL already lower-cases scheme and host, drops default ports and turns an empty path into `/`;
 * a trailing slash on a longer path is kept, because `/a/` and `/a` can be different pages.
 */
export function normalizeUrl(raw: string, base?: string): string | undefined {
  return linkForms(raw, base)?.key;
}

/**
 * The URL a link asks for, as it will be requested: resolved against `base`, without its
 * fragment (never sent), otherwise as written (query order and tracking parameters kept);
 * undefined when it is not an http(s) URL.
 */
export function requestUrl(raw: string, base?: string): string | undefined {
  return linkForms(raw, base)?.request;
}

/** Both forms of a link from one parse: as it will be requested, and its normalised key. */
export function linkForms(raw: string, base?: string): { request: string; key: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  const request = url.href;
  url.search = normalizeQuery(url.search);
  return { request, key: url.href };
}

export function isSameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
