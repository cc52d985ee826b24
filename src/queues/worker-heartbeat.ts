/** The heartbeat contract between the worker runtime (writes it) and the API's workers list (reads it). */

/** Where a worker's heartbeat lives in Redis; the API lists live workers from these keys. */
export const workerHeartbeatKey = (prefix: string, name = '*') => `${prefix}:workers:${name}`;

export interface WorkerSnapshot {
  name: string;
  pid: number;
  active: number;
  processed: number;
  failed: number;
  requeued: number;
  draining: boolean;
  startedAt: string;
  lastHeartbeat: string | null;
}
