import robotsParser from 'robots-parser';

type Robot = ReturnType<typeof robotsParser>;

/** A site's robots.txt, read for one user agent. */
export class RobotsRules {
  private constructor(
    private readonly robot: Robot | undefined,
    private readonly userAgent: string,
  ) {}

  /** robots-parser picks the group by the agent's product token (`StevedoreBot/1.0 (...)` → `stevedorebot`), falling back to `*`. */
  static parse(robotsUrl: string, body: string, userAgent: string): RobotsRules {
    return new RobotsRules(robotsParser(robotsUrl, body), userAgent);
  }

  /** For a site without a usable robots.txt. */
  static allowAll(): RobotsRules {
    return new RobotsRules(undefined, '');
  }

  /** robots-parser answers undefined for a URL this robots.txt does not cover (another origin): that is not a refusal. */
  allows(url: string): boolean {
    return this.robot?.isAllowed(url, this.userAgent) !== false;
  }

  /** Crawl-delay is in seconds. */
  crawlDelayMs(): number | undefined {
    const seconds = this.robot?.getCrawlDelay(this.userAgent);
    return seconds === undefined ? undefined : Math.round(seconds * 1000);
  }

  sitemaps(): string[] {
    return this.robot?.getSitemaps() ?? [];
  }
}
