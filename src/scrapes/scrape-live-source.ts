import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveEventHub } from '../events/live-event-hub';
import type { LiveSource, LiveUpdate, QueueSignal } from '../events/live-update';
import { SCRAPE_JOB } from './scrape-job';
import { FINAL_SCRAPE_STATUSES, Scrape } from './scrape.entity';
import { ScrapesService } from './scrapes.service';

/** A scrape's state as `scrape.updated`: the scrape as `GET /api/scrapes/:id` gives it. */
export function scrapeUpdated(scrape: Scrape): LiveUpdate {
  return {
    event: 'scrape.updated',
    payload: scrape as unknown as Record<string, unknown>,
    key: `${scrape.attempt}:${scrape.status}:${scrape.pagesDone}:${scrape.pagesFailed}:${scrape.pagesQueued}`,
    final: FINAL_SCRAPE_STATUSES.includes(scrape.status),
  };
}

/** Scrapes, live: each progress report and the job's end send the scrape read fresh (counters included). */
@Injectable()
export class ScrapeLiveSource implements LiveSource, OnModuleInit {
  readonly kind = 'scrape' as const;
  readonly queue = SCRAPE_JOB.queue;

  constructor(
    private readonly scrapes: ScrapesService,
    private readonly hub: LiveEventHub,
  ) {}

  onModuleInit(): void {
    this.hub.register(this);
  }

  /** With a subscriber's project, another project's scrape is not found; without one (translate), any. */
  async snapshot(id: string, projectId?: string): Promise<LiveUpdate> {
    return scrapeUpdated(await this.scrapes.get(id, projectId));
  }

  async translate(id: string, signal: QueueSignal): Promise<LiveUpdate[]> {
    return signal.type === 'active' ? [] : [await this.snapshot(id)];
  }
}
