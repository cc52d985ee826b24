import { ConflictException, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelChannel } from './cancel-channel';
import type { FairQueues } from './fair/fair-queues';

/** A kind of row a client may cancel while its job waits or runs: runs and scrapes. */
export interface CancellableRows<Status extends string> {
  /** Its table, which also names its cancel channel (see cancelChannel). */
  table: 'runs' | 'scrapes';
  /** The row's noun in answers: Run, Scrape. */
  noun: string;
  /** Its states while its job waits and while a worker holds it, and the end of one cancelled before it started. */
  queued: Status;
  running: Status;
  cancelled: Status;
  /** What each row cancelled before it started returns (`id`, and a run's `suite_id`). */
  queuedReturns: string;
}

/** Where the rows and their jobs are. */
export interface CancelRequestDeps<Queued> {
  db: { query(sql: string, parameters?: unknown[]): Promise<unknown> };
  queue: Queue;
  /** The fair layers: a job still waiting in one leaves it (see FairQueue.withdraw). */
  fair: FairQueues;
  redis: Redis;
  queuePrefix: string;
  /** Told of the rows just ended before they started, after their jobs left the queue (a run gives its place back). */
  afterQueuedCancelled?: (rows: Queued[]) => Promise<unknown>;
}

export interface CancelAnswer<Status extends string> {
  id: string;
  status: Status;
  cancelRequested: boolean;
}

/**
 * A client's cancel, the same for every kind of row a job works on: a row whose job waits
 * ends `cancelled` now and its job leaves the queue (or its fair layer's line); a running one is flagged and whichever
 * worker holds it is asked through Redis to stop (it aborts and records `cancelled`).
 */
export class JobRowCancelRequest<Status extends string, Queued extends { id: string } = { id: string }> {
  private readonly channel: string;

  constructor(
    private readonly rows: CancellableRows<Status>,
    private readonly deps: CancelRequestDeps<Queued>,
  ) {
    this.channel = cancelChannel(deps.queuePrefix, rows.table);
  }

  /** One row by id: the answer says whether it ended now or was asked to stop; 404 if there is none, 409 if it ended. */
  async cancel(id: string): Promise<CancelAnswer<Status>> {
    const { queued, running } = await this.cancelWhere('id', id);
    if (queued.length) return { id, status: this.rows.cancelled, cancelRequested: true };
    if (running.length) return { id, status: this.rows.running, cancelRequested: true };
    const [row] = (await this.deps.db.query(`SELECT status FROM ${this.rows.table} WHERE id = $1`, [id])) as Array<{
      status: string;
    }>;
    if (!row) throw new NotFoundException(`${this.rows.noun} ${id} not found`);
    throw new ConflictException(`${this.rows.noun} ${id} already ended (${row.status})`);
  }

  /**
   * The rows `column = value` picks, cancelled as above; returns those ended now and those
   * asked to stop. A waiting job leaving the queue also leaves its parent's dependencies (a
   * suite's run). A job a worker holds already cannot be removed; its claim then finds the
   * row cancelled.
   */
  async cancelWhere(column: 'id' | 'suite_id', value: string): Promise<{ queued: Queued[]; running: string[] }> {
    const { table, queued: waiting, running: held, cancelled, queuedReturns } = this.rows;
    const [queued] = (await this.deps.db.query(
      `UPDATE ${table} SET status = '${cancelled}', cancel_requested = true, finished_at = now(), error = 'cancelled before it started', updated_at = now()
       WHERE ${column} = $1 AND status = '${waiting}' RETURNING ${queuedReturns}`,
      [value],
    )) as [Queued[], number];
    const [running] = (await this.deps.db.query(
      `UPDATE ${table} SET cancel_requested = true, updated_at = now() WHERE ${column} = $1 AND status = '${held}' RETURNING id`,
      [value],
    )) as [Array<{ id: string }>, number];
    if (queued.length) {
      await Promise.all(queued.map(({ id }) => this.deps.fair.withdraw(this.deps.queue, id).catch(() => undefined)));
      await this.deps.afterQueuedCancelled?.(queued);
    }
    await Promise.all(running.map(({ id }) => this.deps.redis.publish(this.channel, id)));
    return { queued, running: running.map(({ id }) => id) };
  }
}
