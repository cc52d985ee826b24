import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { BrowserServer } from 'playwright-core';
import { AppConfig } from '../config/app-config.service';
import { AddressPolicy } from '../egress/address-policy';
import { EgressProxy, REFUSE_ALL } from '../egress/egress-proxy';
import { BrowserRelay } from './browser-relay';
import { chromiumExecutable, chromiumLaunchArgs } from './chromium-flags';
import { guardPlaywrightRace } from './playwright-race-guard';

/** A fresh browser after this many script runs, once none is connected, keeps Chromium's leaks bounded. */
const RECYCLE_AFTER_RUNS = 100;

/**
 * The worker's Chromium for script runs: one browser server per worker process, started
 * on first use and shared by its script runs. A run never reaches it directly: it gets a
 * relay (a Unix socket in its control folder) that checks every protocol message and
 * sends the run's pages through an egress proxy of its own.
 */
@Injectable()
export class ScriptBrowser implements OnApplicationShutdown {
  private readonly logger = new Logger(ScriptBrowser.name);
  private readonly ownRequests = new EgressProxy(REFUSE_ALL);
  private server?: BrowserServer;
  private launching?: Promise<BrowserServer>;
  private runsOnServer = 0;
  private readonly relays = new Set<BrowserRelay>();
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly policy: AddressPolicy,
  ) {}

  /**
   * A relay for one run, listening on `socketPath`; videos the run records are written by
   * the server into `videoDir`. Close it when the run ends: its contexts close with it.
   */
  async open(socketPath: string, videoDir: string): Promise<BrowserRelay> {
    const server = await this.currentServer();
    this.runsOnServer++;
    const egress = new EgressProxy(this.policy);
    const relay = new BrowserRelay(server.wsEndpoint(), egress, videoDir, this.logger);
    await relay.listen(socketPath);
    this.relays.add(relay);
    relay.closed.then(() => this.relays.delete(relay)).catch(() => undefined);
    return relay;
  }

  /** Whether the browser a relay was opened on has gone (a platform fault, not the test's). */
  isAlive(relay: BrowserRelay): boolean {
    return this.server !== undefined && relay.endpoint === this.server.wsEndpoint();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.relays].map((relay) => relay.close()));
    await (await this.launching?.catch(() => undefined))?.close().catch(() => undefined);
    await this.server?.close().catch(() => undefined);
    await this.ownRequests.stop();
  }

  private currentServer(): Promise<BrowserServer> {
    if (this.closed) return Promise.reject(new Error('the worker is shutting down'));
    if (this.server && this.runsOnServer >= RECYCLE_AFTER_RUNS && this.relays.size === 0) {
      void this.server.close().catch(() => undefined);
      this.server = undefined;
    }
    if (this.server) return Promise.resolve(this.server);
    this.launching ??= this.launch().finally(() => (this.launching = undefined));
    return this.launching;
  }

  private async launch(): Promise<BrowserServer> {
    guardPlaywrightRace();
    const ownRequestsUrl = await this.ownRequests.start();
    const { chromium } = await import('playwright-core');
    const server = await chromium.launchServer({
      executablePath: chromiumExecutable(this.config.env.CHROMIUM_PATH),
      headless: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: chromiumLaunchArgs(ownRequestsUrl),
      host: '127.0.0.1',
      // Only the worker knows the path: another local process cannot guess its way in.
      wsPath: `/${randomBytes(16).toString('hex')}`,
    });
    server.on('close', () => {
      if (this.server === server) this.server = undefined;
    });
    this.server = server;
    this.runsOnServer = 0;
    this.logger.log('Chromium for script runs started');
    return server;
  }
}
