import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { JobRowKind } from '../queues/job-kind';
import { type FaultRecord, settleFault } from './job-fault';
import { cancelRequested, settleUnclaimed } from './job-row-cancel';
import { JobStop } from './job-stop';

/**
 * What every executor of a row's job does around its own work, bound to one job and its
 * row: settle a row it could not claim, stop the work (cancel, timeout, shutdown), and
 * settle a fault. The executor claims the row, does the work, and stores the end.
 */
export class JobRunKit {
  constructor(
    private readonly db: DataSource,
    private readonly kind: JobRowKind,
    private readonly id: string,
    private readonly job: Job,
    private readonly jobSignal: AbortSignal,
  ) {}

  /** The row was not claimed: ended `cancelled` here if cancel was asked before it started, else nothing to do. */
  settleUnclaimed(): Promise<'cancelled' | 'skipped'> {
    return settleUnclaimed(this.db, this.kind, this.id);
  }

  /** Starts the stop of the claimed work, with its time limit; the caller disposes of it. */
  startStop(timeoutMs: number): JobStop {
    return new JobStop(this.jobSignal, timeoutMs, () => cancelRequested(this.db, this.kind, this.id));
  }

  /** Hands back, retries or ends the job after a fault; never returns. */
  fault(fault: unknown, record: FaultRecord): Promise<never> {
    return settleFault(this.job, this.jobSignal, fault, record);
  }
}
