import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Browser, BrowserContext } from 'playwright-core';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import { EgressProxy, REFUSE_ALL } from '../egress/egress-proxy';
import { chromiumExecutable, chromiumLaunchArgs } from './chromium-flags';
import { guardPlaywrightRace } from './playwright-race-guard';

/** Calls to a browser that died can wait forever: every pool operation has a bound. */
const OPEN_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;
const SPARE_WAIT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
const VIEWPORT = { width: 1280, height: 720 };

export interface ContextOptions {
  /** Record video into this folder. */
  videoDir?: string;
}

/**
 * One Chromium per worker process, a fresh context per run, and the next context (with
 * its page) prepared while the current run goes on, so a run does not wait for one.
 * Every request of every context goes through an egress proxy of its own (so a refusal is
 * reported to the run that caused it); Chromium's own background requests go to one that
 * refuses everything.
 */
@Injectable()
export class BrowserPool implements OnApplicationShutdown {
  private readonly logger = new Logger(BrowserPool.name);
  /** Where the browser-wide proxy setting points: Chromium's own requests, all refused. */
  private readonly ownRequests = new EgressProxy(REFUSE_ALL);
  private ownRequestsUrl?: string;
  private readonly egress = new WeakMap<BrowserContext, EgressProxy>();
  private browser?: Browser;
  private launching?: Promise<Browser>;
  private runsOnBrowser = 0;
  private spare?: Promise<BrowserContext | undefined>;
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly policy: AddressPolicy,
  ) {}

  /** A context for one run (with a page open). Close it with `release`. */
  async acquire(options: ContextOptions = {}): Promise<BrowserContext> {
    if (!options.videoDir) {
      const spare = await this.takeSpare();
      if (spare) {
        this.runsOnBrowser++;
        this.prepareSpare();
        return spare;
      }
    }
    const browser = await within(this.currentBrowser(), OPEN_TIMEOUT_MS, 'starting Chromium');
    this.runsOnBrowser++;
    const context = await within(
      this.newContext(browser, options.videoDir ? { recordVideo: { dir: options.videoDir, size: VIEWPORT } } : {}),
      OPEN_TIMEOUT_MS,
      'opening a browser context',
    );
    try {
      await within(context.newPage(), OPEN_TIMEOUT_MS, 'opening a page');
    } catch (error) {
      // Video needs Playwright's own ffmpeg build, which a system install may not have:
      // run without video rather than fail the test.
      if (!options.videoDir || !/ffmpeg/i.test((error as Error).message)) throw error;
      await context.close().catch(() => undefined);
      this.logger.warn("Video recording needs Playwright's ffmpeg, which is not installed; running without video");
      return this.acquire({});
    }
    if (!options.videoDir) this.prepareSpare();
    return context;
  }

  /** Why the egress guard refused requests of this context since `since` (ms epoch), most recent first. */
  refusalsSince(context: BrowserContext, since: number): string[] {
    return this.egress.get(context)?.refusalsSince(since) ?? [];
  }

  async release(context: BrowserContext): Promise<void> {
    const browser = context.browser();
    await within(context.close(), CLOSE_TIMEOUT_MS, 'closing a browser context').catch(() => undefined);
    if (browser) await this.closeIfRetired(browser);
  }

  /**
   * A browser retired by recycling closes once its last context has, however that one
   * closed: a run's release, a stale spare, or a spare that was still being prepared on it
   * when the next browser started. (It used to close only from `release`, so a retired
   * browser whose last context was a spare stayed open: one Chromium leaked per recycling
   * with runs overlapping.)
   */
  private async closeIfRetired(browser: Browser): Promise<void> {
    if (browser === this.browser || browser.contexts().length > 0 || !browser.isConnected()) return;
    await within(browser.close(), CLOSE_TIMEOUT_MS, 'closing a retired Chromium').catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const spare = await this.spare?.catch(() => undefined);
    await spare?.close().catch(() => undefined);
    await this.browser?.close().catch(() => undefined);
    await this.ownRequests.stop();
  }

  private async takeSpare(): Promise<BrowserContext | undefined> {
    const pending = this.spare;
    this.spare = undefined;
    if (!pending) return undefined;
    const context = await within(pending, SPARE_WAIT_MS, 'the prepared context').catch(() => {
      // Not ready (or its browser died while preparing it): close it whenever it settles.
      void pending.then((late) => late?.close().catch(() => undefined));
      return undefined;
    });
    if (!context) return undefined;
    if (
      context.browser() === this.browser &&
      this.browser?.isConnected() &&
      this.runsOnBrowser < this.config.env.BROWSER_RECYCLE_RUNS
    )
      return context;
    void within(context.close(), CLOSE_TIMEOUT_MS, 'closing a stale context').catch(() => undefined);
    return undefined;
  }

  private prepareSpare(): void {
    // One spare at a time: a second would replace the first unclosed, and its context would
    // keep its browser from ever being idle (and closed when retired).
    if (this.closed || this.spare) return;
    this.spare = this.currentBrowser()
      .then(async (browser) => {
        const context = await this.newContext(browser, {});
        await context.newPage();
        return context;
      })
      .catch((err: unknown) => {
        this.logger.warn({ err }, 'Could not prepare a browser context ahead');
        return undefined;
      });
  }

  private currentBrowser(): Promise<Browser> {
    if (this.browser?.isConnected() && this.runsOnBrowser < this.config.env.BROWSER_RECYCLE_RUNS)
      return Promise.resolve(this.browser);
    this.launching ??= this.launch().finally(() => (this.launching = undefined));
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    guardPlaywrightRace();
    this.ownRequestsUrl ??= await this.ownRequests.start();
    const retired = this.browser;
    // Loaded on first use: playwright-core is about 75 MB of a worker's resident memory,
    // which a worker that only scrapes or sends email never needs.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumExecutable(this.config.env.CHROMIUM_PATH),
      headless: true,
      // The worker's shutdown decides when the browser closes (after the runs in flight
      // finish); Playwright's own signal handlers would kill it at the first SIGTERM.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: chromiumLaunchArgs(this.ownRequestsUrl),
    });
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = undefined;
    });
    this.browser = browser;
    this.runsOnBrowser = 0;
    this.logger.log({ version: browser.version() }, 'Chromium started');
    if (retired) await this.closeIfRetired(retired);
    return browser;
  }

  /**
   * A context whose every request (loopback included: Playwright adds <-loopback>) goes
   * through an egress proxy of its own, stopped when the context closes, however it closes.
   */
  private async newContext(
    browser: Browser,
    options: { recordVideo?: { dir: string; size: typeof VIEWPORT } },
  ): Promise<BrowserContext> {
    const egress = new EgressProxy(this.policy);
    const server = await egress.start();
    try {
      const context = await browser.newContext({ viewport: VIEWPORT, ...options, proxy: { server } });
      this.egress.set(context, egress);
      context.once('close', () => {
        void egress.stop();
        void this.closeIfRetired(browser);
      });
      return context;
    } catch (error) {
      await egress.stop();
      throw error;
    }
  }
}
