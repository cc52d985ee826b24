import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { NOT_STARTED } from '../database/job-row';
import type { RunDefinition } from './run-definition';
import { Run, RunStatus } from './run.entity';

/** Where a new run belongs: always a project; a run accepted on its own (POST /runs) belongs to nothing else. */
export interface RunPlacement {
  /** The project of whoever asked for it (the API key's, or the suite's or schedule's that made it). */
  projectId: string;
  /** The schedule whose tick queued it (each run of a scheduled suite names it too). */
  scheduleId?: string | null;
  /** The suite it is a test of, and its place there (0 first). */
  suite?: { id: string; index: number };
  /** When it was created, if the caller stamps it (a suite's rows share one instant); else the database's now(). */
  createdAt?: Date;
}

/**
 * The statement that stores a run accepted on its own (POST /runs): one plain INSERT, the
 * accept path's hottest line (TypeORM's insert builder costs more than the query).
 */
export function newRunInsert(run: Run): [sql: string, params: unknown[]] {
  return [
    `INSERT INTO runs (id, project_id, name, definition, priority) VALUES ($1, $2, $3, $4, $5) RETURNING created_at`,
    [run.id, run.projectId, run.name, run.definition, run.priority],
  ];
}

/**
 * A new run's row from its checked definition: queued, no worker has touched it, nothing
 * asked of it yet. Every path that starts runs (the API, a suite, a schedule's tick) builds
 * them here; its job comes from runJobData / runJobOptions.
 */
export function newRun(definition: RunDefinition, placement: RunPlacement): Run {
  const { projectId, scheduleId = null, suite, createdAt } = placement;
  return Object.assign(new Run(), {
    ...NOT_STARTED,
    id: randomUUID(),
    projectId,
    name: definition.name,
    definition,
    priority: definition.priority,
    status: RunStatus.queued,
    scheduleId,
    suiteId: suite?.id ?? null,
    suiteIndex: suite?.index ?? null,
    artifactsExpiredAt: null,
    ...(createdAt ? { createdAt, updatedAt: createdAt } : {}),
  });
}

/** Stores new runs inside the caller's transaction, in slices: one statement's bind parameters are capped (65535). */
export async function insertRuns(m: EntityManager, runs: Run[]): Promise<void> {
  for (let i = 0; i < runs.length; i += 200) await m.insert(Run, runs.slice(i, i + 200));
}
