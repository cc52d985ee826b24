import type { RunStatus } from './run.entity';

/** What the worker reports as job progress: the run's state, each finished step (step runs) or test attempt (script runs). */
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
    }
  | {
      type: 'test';
      attempt: number;
      index: number;
      title: string;
      /** running while it will be retried; then its final state. */
      status: string;
      retry: number;
      durationMs: number;
      error: string | null;
    };
