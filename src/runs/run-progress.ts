import type { RunStatus } from './run.entity';

/** What the worker reports as job progress: the run's state and each finished step. */
export type RunProgress =
  | { type: 'status'; status: RunStatus; attempt: number }
  | {
      type: 'step';
      attempt: number;
      index: number;
      action: string;
      target: string | null;
      status: string;
      durationMs: number;
      error: string | null;
      screenshot: string | null;
    };
