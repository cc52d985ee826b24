import { UnrecoverableError } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { JobRowKind } from '../queues/job-kind';

/**
 * A job whose row could not be claimed: if cancel was asked before it started, the row
 * ends `cancelled` here; if the row ended already, there is nothing to do; if there is
 * no row, the job can never run.
 */
export async function settleUnclaimed(db: DataSource, kind: JobRowKind, id: string): Promise<'cancelled' | 'skipped'> {
  const [rows] = (await db.query(
    `UPDATE ${kind.table} SET status = 'cancelled', finished_at = now(), error = 'cancelled before it started', updated_at = now()
     WHERE id = $1 AND status = ANY($2) AND cancel_requested RETURNING id`,
    [id, kind.inFlight],
  )) as [unknown[], number];
  if (rows.length) return 'cancelled';
  const [row] = (await db.query(`SELECT status FROM ${kind.table} WHERE id = $1`, [id])) as unknown[];
  if (!row) throw new UnrecoverableError(`${kind.what} ${id} does not exist`);
  return 'skipped';
}

/** Whether cancel was asked for a running row (the check for a cancel message that was lost). */
export async function cancelRequested(db: DataSource, kind: JobRowKind, id: string): Promise<boolean> {
  const [row] = (await db.query(`SELECT cancel_requested FROM ${kind.table} WHERE id = $1`, [id])) as Array<{
    cancel_requested: boolean;
  }>;
  return row?.cancel_requested ?? false;
}
