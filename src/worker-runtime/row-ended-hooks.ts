import { Injectable } from '@nestjs/common';

type RowEndedHook = (id: string) => Promise<unknown>;

/**
 * What other features do after the reconciler ends a row of a queue they do not own (a
 * run's end may settle its suite). The feature registers its hook from its worker module,
 * so the reconciler knows queues and hooks, never the features behind them.
 */
@Injectable()
export class RowEndedHooks {
  private readonly hooks = new Map<string, RowEndedHook[]>();

  /** After the reconciler ends a row of `queue`, `hook` runs with the row's id. */
  register(queue: string, hook: RowEndedHook): void {
    this.hooks.set(queue, [...(this.hooks.get(queue) ?? []), hook]);
  }

  /** Runs the hooks of `queue` in order; one that throws fails the reconciler's pass, as its own queries would. */
  async run(queue: string, id: string): Promise<void> {
    for (const hook of this.hooks.get(queue) ?? []) await hook(id);
  }
}
