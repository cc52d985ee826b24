import { matchLength, productToken, robotsPath } from './robots-match';

/** RFC 9309 §2.5: a crawler must parse at least 500 KiB; what follows is ignored. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

interface Rule {
  allow: boolean;
  /** Normalised for comparison (see robotsPath). */
  pattern: string;
  /** As written, for the refusal message. */
  line: string;
}

interface Group {
  agents: string[];
  rules: Rule[];
  crawlDelay?: number;
}

/** Why a URL may not be fetched, or undefined when it may. */
export type RobotsVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * A site's robots.txt read for one crawler, per RFC 9309 (the Robots Exclusion Protocol):
 * the group of the agent's product token (case-insensitive; `User-agent: Bot/1.0 (+url)`
 * names `bot`), else the first `*` group, else no rules; groups for the same agent merge;
 * rules outside a group are ignored; the longest matching pattern decides and `Allow`
 * wins a tie; `*` and a final `$` are wildcards; paths and query strings compare after
 * percent-encoding normalisation. Written here rather than with robots-parser, which
 * matches a `User-agent` line only when it is exactly the product token.
 */
export class RobotsRules {
  private constructor(
    private readonly group: Group | undefined,
    private readonly sitemapUrls: string[],
    /** Set when robots.txt could not be read and everything is refused. */
    private readonly refusal?: string,
  ) {}

  static parse(body: string, userAgent: string): RobotsRules {
    const { groups, sitemaps } = parseGroups(body.slice(0, ROBOTS_MAX_BYTES));
    const token = productToken(userAgent);
    const ours = token === '' ? [] : groups.filter((g) => g.agents.includes(token));
    const chosen = ours.length ? ours : groups.filter((g) => g.agents.includes('*')).slice(0, 1);
    const merged: Group | undefined = chosen.length
      ? {
          agents: chosen[0].agents,
          rules: chosen.flatMap((g) => g.rules),
          crawlDelay: chosen.find((g) => g.crawlDelay !== undefined)?.crawlDelay,
        }
      : undefined;
    return new RobotsRules(merged, sitemaps);
  }

  /**
   * robots.txt from what fetching it gave, per RFC 9309 §2.3.1: 2xx is parsed; 3xx left
   * (more redirects than followed) and 4xx mean there is none, so everything is allowed;
   * 5xx, 429 and no answer at all (network error, timeout) mean a complete disallow.
   */
  static fromFetch(
    res: { statusCode: number | null; body: string | null; error: string | null },
    userAgent: string,
  ): RobotsRules {
    const status = res.statusCode;
    if (res.body !== null && status !== null && status < 300) return RobotsRules.parse(res.body, userAgent);
    if (status !== null && status >= 300 && status < 500 && status !== 429) return RobotsRules.allowAll();
    return RobotsRules.disallowAll(res.error ?? `HTTP ${status}`);
  }

  /** No robots.txt (4xx, RFC 9309 §2.3.1.3 "unavailable"), or robots not respected. */
  static allowAll(): RobotsRules {
    return new RobotsRules(undefined, []);
  }

  /** robots.txt unreachable (5xx, network error; RFC 9309 §2.3.1.4): a complete disallow. */
  static disallowAll(why: string): RobotsRules {
    return new RobotsRules(undefined, [], `robots.txt could not be read (${why}), so nothing may be fetched`);
  }

  /** Checks `url` as it will be requested: its path and query exactly as sent. */
  verdict(url: string): RobotsVerdict {
    if (this.refusal) return { allowed: false, reason: this.refusal };
    if (!this.group) return { allowed: true };
    const path = robotsPath(url);
    let best: Rule | undefined;
    let bestLength = -1;
    for (const rule of this.group.rules) {
      const length = matchLength(path, rule.pattern);
      if (length < 0) continue;
      if (length > bestLength || (length === bestLength && rule.allow && !best?.allow)) {
        best = rule;
        bestLength = length;
      }
    }
    if (!best || best.allow) return { allowed: true };
    return { allowed: false, reason: `disallowed by robots.txt (Disallow: ${best.line})` };
  }

  allows(url: string): boolean {
    return this.verdict(url).allowed;
  }

  /** Crawl-delay (not in RFC 9309, widely used) is in seconds. */
  crawlDelayMs(): number | undefined {
    const seconds = this.group?.crawlDelay;
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
  }

  sitemaps(): string[] {
    return this.sitemapUrls;
  }
}

/**
 * RFC 9309 §2.1: a group is one or more `user-agent` lines and the rules after them; a
 * `user-agent` line after a rule starts a new group. Lines the protocol does not define
 * (Sitemap, unknown names) neither start nor end a group (Google's parser does the same).
 */
function parseGroups(body: string): { groups: Group[]; sitemaps: string[] } {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let sawRule = false;
  for (const rawLine of body.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    // Google also accepts a missing colon ("disallow /"), a common slip.
    const match = /^([A-Za-z-]+)\s*:?\s*(.*)$/.exec(line);
    if (!match) continue;
    const name = match[1].toLowerCase();
    const value = match[2].trim();
    if (name === 'user-agent') {
      if (!current || sawRule) {
        current = { agents: [], rules: [] };
        groups.push(current);
        sawRule = false;
      }
      current.agents.push(agentOfLine(value));
    } else if (name === 'allow' || name === 'disallow') {
      if (!current) continue; // a rule outside any group applies to no one
      sawRule = true;
      // An empty `Disallow:` disallows nothing; an empty `Allow:` is equally empty.
      if (value !== '') current.rules.push({ allow: name === 'allow', pattern: robotsPath(value), line: value });
    } else if (name === 'crawl-delay') {
      // A group member like a rule: a user-agent line after it starts a new group.
      if (current) sawRule = true;
      const seconds = Number(value);
      if (current && Number.isFinite(seconds) && seconds >= 0) current.crawlDelay ??= seconds;
    } else if (name === 'sitemap' && /^https?:\/\//i.test(value)) {
      sitemaps.push(value);
    }
  }
  return { groups, sitemaps };
}

/** `*` alone is every agent; otherwise the product token, lower-cased (`FooBot/1.0 (+url)` → `foobot`). */
function agentOfLine(value: string): string {
  if (/^\*(\s|$)/.test(value)) return '*';
  return productToken(value);
}
