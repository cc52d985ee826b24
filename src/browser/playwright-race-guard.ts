import { Logger } from '@nestjs/common';

const DISPOSED_OBJECT = /^Object with guid \S+ was not bound in the connection$/;
let installed = false;

/** The one error the guard lets pass: thrown by playwright-core's connection, about an object it already disposed. */
export function isDisposedObjectRace(error: unknown): boolean {
  return error instanceof Error && DISPOSED_OBJECT.test(error.message) && /playwright-core/.test(error.stack ?? '');
}

/**
 * Playwright 1.65's client throws outside any promise when a command's result names an
 * object that closing its page has just disposed: a `page.goto` whose page is closed to
 * cancel the run can answer after the close ("Object with guid response@… was not bound
 * in the connection"). Uncaught, that error would end the worker and every run on it. The
 * guard lets that one error pass with a warning: the step it belonged to is being stopped
 * anyway, and each step also races its run's stop signal, so the lost answer does not
 * hold the run. Any other uncaught exception still ends the process, as Node would.
 */
export function guardPlaywrightRace(): void {
  if (installed) return;
  installed = true;
  const logger = new Logger('PlaywrightRaceGuard');
  process.on('uncaughtException', (error, origin) => {
    if (isDisposedObjectRace(error)) {
      logger.warn({ err: error }, 'Ignored a Playwright answer for a page that was already closed');
      return;
    }
    process.stderr.write(`${origin}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
