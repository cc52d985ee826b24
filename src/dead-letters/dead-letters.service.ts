import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource, Repository } from 'typeorm';
import { CursorPage, newestFirstPage } from '../http/cursor';
import { queueOrWithdraw } from '../queues/enqueue-or-withdraw';
import { JobCatalogue } from '../queues/job-catalogue';
import { QueueRegistry } from '../queues/queue-registry';
import { DeadLetter } from './dead-letter.entity';

export type DeadLetterPage = CursorPage<DeadLetter>;

/** Dead letters on the API side: list them, and replay one onto its queue. */
@Injectable()
export class DeadLettersService {
  constructor(
    @InjectRepository(DeadLetter) private readonly letters: Repository<DeadLetter>,
    private readonly db: DataSource,
    private readonly queues: QueueRegistry,
    private readonly catalogue: JobCatalogue,
  ) {}

  /** The project's, newest first; `open` hides replayed ones. The cursor is the last item's failedAt|id. */
  list(
    projectId: string,
    query: { queue?: string; open?: boolean; limit?: number; cursor?: string },
  ): Promise<DeadLetterPage> {
    const qb = this.letters.createQueryBuilder('d').where('d.project_id = :projectId', { projectId });
    if (query.queue) qb.andWhere('d.queue = :queue', { queue: query.queue });
    if (query.open) qb.andWhere('d.replayed_at IS NULL');
    return newestFirstPage(qb, 'failed_at', (letter) => letter.failedAt, query);
  }

  /**
   * Puts the job back on its queue: its row goes back to `queued`, and the failed job is
   * retried with its attempts reset (or added again if BullMQ no longer has it). Once.
   */
  async replay(id: string, projectId: string): Promise<DeadLetter> {
    // Another project's dead letter is not found, exactly as an unknown id.
    const letter = await this.letters.findOneBy({ id, projectId });
    if (!letter) throw new NotFoundException(`Dead letter ${id} not found`);
    const queue = this.queues.all().find((q) => q.name === letter.queue)?.queue;
    if (!queue) throw new ConflictException(`Queue ${letter.queue} is not a queue of this platform`);
    const [claimed] = (await this.db.query(
      `UPDATE dead_letters SET replayed_at = now() WHERE id = $1 AND replayed_at IS NULL RETURNING id`,
      [id],
    )) as [unknown[], number];
    if (!claimed.length) throw new ConflictException(`Dead letter ${id} was already replayed`);
    try {
      await this.resetRow(letter);
    } catch (error) {
      await this.db.query(`UPDATE dead_letters SET replayed_at = NULL WHERE id = $1`, [id]);
      throw error;
    }
    // The row is `queued` before its job is back (a worker that takes the job at once finds it
    // so). If Redis refuses, the row goes back to how the failure left it and the letter
    // reopens: no `queued` row stays behind for the reconciler to run later.
    await queueOrWithdraw(
      'dead letter',
      id,
      () => this.requeue(queue, letter),
      async () => {
        await this.restoreRow(letter);
        await this.db.query(`UPDATE dead_letters SET replayed_at = NULL WHERE id = $1`, [id]);
      },
    );
    return (await this.letters.findOneBy({ id }))!;
  }

  /** The failed job retried with its attempts reset, or added again if BullMQ no longer has it. */
  private async requeue(queue: Queue, letter: DeadLetter): Promise<void> {
    const job = await queue.getJob(letter.jobId);
    if (job && (await job.getState()) === 'failed')
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    else if (!job) await queue.add(letter.jobName, letter.data, { jobId: letter.jobId });
    else throw new ConflictException(`Job ${letter.jobId} is ${await job.getState()}, not failed`);
  }

  private async resetRow(letter: DeadLetter): Promise<void> {
    const kind = this.catalogue.rowKindOf(letter.queue);
    if (!kind) return;
    const clears = kind.replayClears ? `, ${kind.replayClears}` : '';
    const [rows] = (await this.db.query(
      `UPDATE ${kind.table} SET status = 'queued'${clears}, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      [letter.jobId, kind.failedStatus],
    )) as [unknown[], number];
    if (rows.length) return;
    const [row] = (await this.db.query(`SELECT status FROM ${kind.table} WHERE id = $1`, [letter.jobId])) as Array<{
      status: string;
    }>;
    if (!row) throw new ConflictException(`The ${kind.what} ${letter.jobId} no longer exists`);
    throw new ConflictException(
      `The ${kind.what} ${letter.jobId} is ${row.status}; only a ${kind.what} that ended ${kind.failedStatus} can be replayed`,
    );
  }

  /** Undoes resetRow: the row ends as its failure left it, with the letter's error. */
  private async restoreRow(letter: DeadLetter): Promise<void> {
    const kind = this.catalogue.rowKindOf(letter.queue);
    if (!kind) return;
    const finished = kind.hasFinishedAt ? ', finished_at = now()' : '';
    await this.db.query(
      `UPDATE ${kind.table} SET status = $2, ${kind.errorColumn} = $3${finished}, updated_at = now() WHERE id = $1 AND status = 'queued'`,
      [letter.jobId, kind.failedStatus, letter.error],
    );
  }
}
