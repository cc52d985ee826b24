import type { JobCatalogue } from '../queues/job-catalogue';

/**
 * Each job kind needs exactly one processor on the worker side: without one its jobs would
 * wait for ever, with two they would go to whichever asked first. A processor on a queue
 * no kind declares has no queue behind it in the catalogue (nothing adds to it, nothing
 * reconciles it). Any of these is a wiring mistake: the worker refuses to start.
 * `handledQueues` holds the queue of each processor found, once per processor.
 */
export function checkJobHandlers(catalogue: JobCatalogue, handledQueues: readonly string[]): void {
  const problems: string[] = [];
  for (const kind of catalogue.kinds) {
    const processors = handledQueues.filter((queue) => queue === kind.queue).length;
    if (processors === 0) problems.push(`job kind "${kind.name}" on queue ${kind.queue} has no processor`);
    if (processors > 1) problems.push(`job kind "${kind.name}" on queue ${kind.queue} has ${processors} processors`);
  }
  for (const queue of new Set(handledQueues)) {
    if (!catalogue.kindOf(queue)) problems.push(`a processor takes jobs from ${queue}, which no job kind declares`);
  }
  if (problems.length) {
    throw new Error(
      `The worker's processors do not match the job catalogue: ${problems.join('; ')}. ` +
        'Each job kind listed in src/job-catalogue.ts needs exactly one @Processor(kind.queue) subclass of JobProcessor.',
    );
  }
}
