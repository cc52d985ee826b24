import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '../../artifacts/artifact-store';
import { AppConfig } from '../../config/app-config.service';
import { MetricsService } from '../../metrics/metrics.service';
import { REDIS } from '../../redis/redis.module';
import { runKeyPrefix } from '../run-files';
import { EXPIRED_RUNS_SQL } from './artifact-retention';

/** Runs per transaction: each batch's row locks and deletes stay small, whatever the backlog. */
const BATCH = 100;
const DAY_MS = 86_400_000;

/** What one sweep removed. */
export interface SweepTotals {
  runs: number;
  rows: number;
  objects: number;
  bytes: number;
}

interface RemovedRow {
  run_id: string;
  sha256: string | null;
  object_key: string | null;
  size_bytes: number;
}

/**
 * ARTIFACT_RETENTION_DAYS: every ARTIFACT_CLEANUP_INTERVAL_MS, one worker of all (the first
 * to claim the interval in Redis; the others skip it) removes the artifacts of runs that
 * ended longer ago than that and that nothing still needs (artifact-retention.ts): their
 * run_artifacts rows, their folder `runs/<id>/` (files, legacy keys and a script run's HTML
 * report) and each content object no row names any more. The run's row, steps and tests stay,
 * marked with artifacts_expired_at, so its downloads answer 410. It goes in batches of
 * BATCH runs: one short transaction locks them (SKIP LOCKED: a sweep that outlasts its
 * interval and the next one never take the same runs), deletes their rows and marks them;
 * the objects go after it commits (a crash between leaves objects no row names, never a row
 * without its object), content objects only under the content lock (content-lock.ts).
 */
@Injectable()
export class ArtifactSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ArtifactSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private removed?: Record<keyof SweepTotals, Counter>;

  constructor(
    private readonly db: DataSource,
    private readonly store: ArtifactStore,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    const days = this.config.env.ARTIFACT_RETENTION_DAYS;
    if (days === 0) return;
    // Only where it sweeps: a family that can never have a value is noise (see JobMetrics).
    const counter = (what: string, help: string) =>
      new Counter({ name: `stevedore_artifact_cleanup_${what}_total`, help, registers: [this.metrics.registry] });
    this.removed = {
      runs: counter('runs', 'Runs whose artifacts this worker removed (ARTIFACT_RETENTION_DAYS)'),
      rows: counter('rows', 'run_artifacts rows this worker removed'),
      objects: counter(
        'objects',
        'Artifact files and content objects this worker deleted (HTML report files not counted)',
      ),
      bytes: counter('bytes', 'Bytes of the artifact files and content objects this worker deleted'),
    };
    const every = this.config.env.ARTIFACT_CLEANUP_INTERVAL_MS;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.claimAndSweep()
        .catch((err: unknown) => this.logger.warn({ err }, 'An artifact sweep failed; the next one tries again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, every).unref();
        });
    };
    this.timer = setTimeout(tick, Math.min(5000, every)).unref();
  }

  /** Before Redis and the database close: the batch under way ends, no other starts. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sweeps if this worker is the first to claim this interval (the claim lasts the interval); undefined if not. */
  async claimAndSweep(now = new Date()): Promise<SweepTotals | undefined> {
    const claimed = await this.redis.set(
      `${this.config.env.QUEUE_PREFIX}:artifact-retention:claim`,
      this.config.workerName,
      'PX',
      this.config.env.ARTIFACT_CLEANUP_INTERVAL_MS,
      'NX',
    );
    if (claimed !== 'OK') return undefined;
    return this.sweep(now);
  }

  async sweep(now = new Date()): Promise<SweepTotals> {
    const started = Date.now();
    const cutoff = new Date(now.getTime() - this.config.env.ARTIFACT_RETENTION_DAYS * DAY_MS);
    const totals: SweepTotals = { runs: 0, rows: 0, objects: 0, bytes: 0 };
    while (!this.stopped) {
      const batch = await this.db.transaction(async (m) => {
        const runs = (await m.query(EXPIRED_RUNS_SQL, [cutoff, BATCH])) as Array<{ id: string }>;
        if (runs.length === 0) return undefined;
        const ids = runs.map((run) => run.id);
        // In a CTE: TypeORM gives a bare DELETE's rows with its count, a SELECT's alone.
        const rows = (await m.query(
          `WITH gone AS (DELETE FROM run_artifacts WHERE run_id = ANY($1::uuid[])
                          RETURNING run_id, sha256, object_key, size_bytes)
           SELECT * FROM gone`,
          [ids],
        )) as RemovedRow[];
        await m.query(`UPDATE runs SET artifacts_expired_at = $2 WHERE id = ANY($1::uuid[])`, [ids, now]);
        return { ids, rows };
      });
      if (!batch) break;
      const removed = await this.removeObjects(batch.ids, batch.rows);
      const add = { runs: batch.ids.length, rows: batch.rows.length, ...removed };
      for (const what of Object.keys(totals) as Array<keyof SweepTotals>) {
        totals[what] += add[what];
        this.removed?.[what].inc(add[what]);
      }
      if (batch.ids.length < BATCH) break;
    }
    this.logger.log(
      { ...totals, retentionDays: this.config.env.ARTIFACT_RETENTION_DAYS, ms: Date.now() - started },
      `Artifact sweep: removed the artifacts of ${totals.runs} runs (${totals.objects} objects, ${totals.bytes} bytes)`,
    );
    return totals;
  }

  /** The runs' folders (each run's own files and report), then each content object no row names any more. */
  private async removeObjects(runIds: string[], rows: RemovedRow[]): Promise<{ objects: number; bytes: number }> {
    let objects = 0;
    let bytes = 0;
    for (const id of runIds) await this.store.deletePrefix(runKeyPrefix(id));
    const contents = new Map<string, RemovedRow>();
    for (const row of rows) {
      const ownKey = row.object_key === null || row.object_key.startsWith(runKeyPrefix(row.run_id));
      if (ownKey) {
        objects += 1;
        bytes += row.size_bytes;
      } else if (row.sha256 && row.object_key) contents.set(row.object_key, row);
    }
    for (const [key, row] of contents)
      if (await this.store.deleteContentIfUnused(row.sha256 as string, key)) {
        objects += 1;
        bytes += row.size_bytes;
      }
    return { objects, bytes };
  }
}
