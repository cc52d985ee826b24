import type { JobKind, NumericEnvKey, RowKind } from './job-kind';

/** A job kind whose jobs work on rows. */
export type RowJobKind = JobKind & { rows: RowKind };

/**
 * Every job kind of a process, by queue: built from the list in src/job-catalogue.ts and
 * provided by QueuesModule, so shared code (queues, worker start, reconciler, dead-letter
 * replay, metrics, Bull Board) works from the declarations without knowing any feature.
 */
export class JobCatalogue {
  readonly queueNames: readonly string[];
  /** The config key setting each queue's worker concurrency, where it has one. */
  readonly concurrencyKeys: Readonly<Partial<Record<string, NumericEnvKey>>>;
  /** The config key setting each queue's rate limit, where it has one. */
  readonly rateLimitKeys: Readonly<Partial<Record<string, NumericEnvKey>>>;
  private readonly byQueue: ReadonlyMap<string, JobKind>;

  constructor(readonly kinds: readonly JobKind[]) {
    const byQueue = new Map<string, JobKind>();
    for (const kind of kinds) {
      // One processor per queue handles one kind: a second kind on a queue would reach the wrong handler.
      if (byQueue.has(kind.queue)) throw new Error(`Two job kinds are declared on the queue ${kind.queue}`);
      byQueue.set(kind.queue, kind);
    }
    this.byQueue = byQueue;
    this.queueNames = kinds.map((kind) => kind.queue);
    this.concurrencyKeys = Object.fromEntries(
      kinds.flatMap((kind) => (kind.concurrencyKey ? [[kind.queue, kind.concurrencyKey]] : [])),
    );
    this.rateLimitKeys = Object.fromEntries(
      kinds.flatMap((kind) => (kind.rateLimitKey ? [[kind.queue, kind.rateLimitKey]] : [])),
    );
  }

  kindOf(queue: string): JobKind | undefined {
    return this.byQueue.get(queue);
  }

  /** The kinds whose jobs work on rows, in catalogue order. */
  rowKinds(): RowJobKind[] {
    return this.kinds.filter((kind): kind is RowJobKind => kind.rows !== undefined);
  }

  /**
   * The row a job belongs to, whose project_id is the job's project: the row it works on,
   * or its kind's owner (a schedule, a suite). None for a queue of no kind, or data that
   * names no row.
   */
  ownerOf(queue: string, jobId: string, data: unknown): { table: string; id: string } | undefined {
    const kind = this.byQueue.get(queue);
    if (kind?.rows) return { table: kind.rows.table, id: jobId };
    const id = kind?.owner?.idOf(data);
    return kind?.owner && typeof id === 'string' ? { table: kind.owner.table, id } : undefined;
  }

  /** The row kind of a queue, if its jobs work on rows (schedule ticks do not). */
  rowKindOf(queue: string): RowKind | undefined {
    return this.byQueue.get(queue)?.rows;
  }
}
