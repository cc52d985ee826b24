/**
 * The comparison parts of RFC 9309 §2.2: product tokens, the path a rule is matched
 * against, and pattern matching with `*` and `$`.
 */

/**
 * The product token of a User-Agent, lower-cased for the case-insensitive comparison of
 * §2.2.1: the leading run of letters, `_` and `-` (`StevedoreBot/1.0 (+https://…)` → `stevedorebot`).
 */
export function productToken(userAgent: string): string {
  return (/^[A-Za-z_-]*/.exec(userAgent.trim())?.[0] ?? '').toLowerCase();
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * What a rule is compared with (§2.2.2): for a URL, its path and query exactly as they
 * will be requested (no fragment, the query's order untouched); for a rule, its pattern.
 * Both are brought to one percent-encoding so equal paths compare equal: an escaped
 * unreserved character is decoded (`/%7Efoo` is `/~foo`, as RFC 9309's table has
 * `/foo/bar/%62%61%7A` match `/foo/bar/baz`), other escapes get upper-case hex, and
 * non-ASCII is UTF-8 percent-encoded (`/ツ` is `/%E3%83%84`).
 */
export function robotsPath(urlOrPattern: string): string {
  let raw = urlOrPattern;
  if (/^https?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      raw = url.pathname + url.search;
    } catch {
      // Not a URL after all: compared as written.
    }
  }
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      const decoded = String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${raw.slice(i + 1, i + 3).toUpperCase()}`;
      i += 2;
    } else if (ch.charCodeAt(0) > 0x7e || ch.charCodeAt(0) < 0x21) {
      const codePoint = raw.codePointAt(i)!;
      // A lone surrogate has no UTF-8 form: it stands for U+FFFD, as a URL parser would make it.
      const char = codePoint >= 0xd800 && codePoint <= 0xdfff ? '\uFFFD' : String.fromCodePoint(codePoint);
      if (codePoint > 0xffff) i++;
      out += encodeURIComponent(char);
    } else {
      out += ch;
    }
  }
  return out || '/';
}

/**
 * How specific a match `pattern` is for `path`: its length in octets when it matches
 * (§2.2.2: the longest match wins), or -1. `*` matches any run of characters and a final
 * `$` the end of the path; otherwise a pattern matches a prefix. This walks the set of
 * positions the pattern can have reached (as Google's matcher does), so a hostile
 * pattern like `/*a*a*a*a*b` costs pattern × path steps, never a regex's backtracking.
 */
export function matchLength(path: string, pattern: string): number {
  // positions[0 … count) are the path offsets the pattern so far can have reached, ascending.
  let positions = new Int32Array(path.length + 1);
  let spare = new Int32Array(path.length + 1);
  let count = 1;
  for (let p = 0; p < pattern.length; p++) {
    const ch = pattern[p];
    if (ch === '$' && p === pattern.length - 1) return positions[count - 1] === path.length ? pattern.length : -1;
    if (ch === '*') {
      const from = positions[0];
      count = path.length - from + 1;
      for (let i = 0; i < count; i++) positions[i] = from + i;
      continue;
    }
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const at = positions[i];
      if (at < path.length && path[at] === ch) spare[kept++] = at + 1;
    }
    if (kept === 0) return -1;
    [positions, spare] = [spare, positions];
    count = kept;
  }
  return pattern.length;
}
