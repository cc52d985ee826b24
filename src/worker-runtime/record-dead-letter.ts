import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface DeadLetterFacts {
  queue: string;
  jobId: string;
  jobName: string;
  data: unknown;
  error: string;
  stack?: string | null;
  attempts: number;
}

/** Stores a dead letter unless the job already has an open one (both the worker and the reconciler may see it fail). */
export async function recordDeadLetter(db: DataSource, facts: DeadLetterFacts): Promise<void> {
  await db.query(
    `INSERT INTO dead_letters (id, queue, job_id, job_name, data, error, stack, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (queue, job_id) WHERE replayed_at IS NULL DO NOTHING`,
    [
      randomUUID(),
      facts.queue,
      facts.jobId,
      facts.jobName,
      JSON.stringify(facts.data ?? {}),
      facts.error.slice(0, 4000),
      facts.stack?.slice(0, 16000) ?? null,
      facts.attempts,
    ],
  );
}
