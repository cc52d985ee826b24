import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';

const uuid = z.uuid();

/**
 * The row id a job's data names under `field`. A job without a valid one can never run:
 * it fails for good at once (no retry) and is kept as a dead letter.
 */
export function jobDataId<Data extends object>(data: Data | undefined, field: keyof Data & string): string {
  const id = (data as Record<string, unknown> | undefined)?.[field];
  if (!uuid.safeParse(id).success) throw new UnrecoverableError(`job data has no valid ${field}`);
  return id as string;
}
