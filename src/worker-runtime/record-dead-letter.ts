import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEFAULT_PROJECT_ID } from '../projects/default-project';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeadLetterFacts {
  queue: string;
  jobId: string;
  jobName: string;
  data: unknown;
  error: string;
  stack?: string | null;
  attempts: number;
  /**
   * The row the job belongs to (JobCatalogue.ownerOf): the dead letter is in its project.
   * Without one, or if the row is gone, in the default project: its keys are the operators'.
   */
  owner?: { table: string; id: string };
}

/** Stores a dead letter unless the job already has an open one (both the worker and the reconciler may see it fail). */
export async function recordDeadLetter(db: DataSource, facts: DeadLetterFacts): Promise<void> {
  // The table comes from the job catalogue's declarations, never from the job's data; the id
  // does, so it is checked to be a uuid before it is compared with one.
  const owner = facts.owner && UUID.test(facts.owner.id) ? facts.owner : undefined;
  const project = owner
    ? `COALESCE((SELECT project_id FROM ${owner.table} WHERE id = $10::uuid), $9::uuid)`
    : '$9::uuid';
  await db.query(
    `INSERT INTO dead_letters (id, project_id, queue, job_id, job_name, data, error, stack, attempts)
     VALUES ($1, ${project}, $2, $3, $4, $5, $6, $7, $8)
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
      DEFAULT_PROJECT_ID,
      ...(owner ? [owner.id] : []),
    ],
  );
}
