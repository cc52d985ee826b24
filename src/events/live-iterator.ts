import type { LiveEventHub } from './live-event-hub';
import type { LiveKind, LiveUpdate } from './live-update';

/**
 * One job's live updates as an async iterator (what a GraphQL subscription resolver
 * returns): subscribing happens on creation, so an unknown id rejects before any
 * iteration; the iterator finishes after the final update; `return()` stops following.
 */
export async function liveIterator<T>(
  hub: LiveEventHub,
  kind: LiveKind,
  id: string,
  projectId: string,
  map: (update: LiveUpdate) => T,
): Promise<AsyncIterableIterator<T>> {
  const pending: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const unsubscribe = await hub.subscribe(kind, id, projectId, {
    send: (update) => {
      pending.push(map(update));
      notify();
    },
    end: () => {
      ended = true;
      notify();
    },
  });
  const finish = (): IteratorResult<T> => {
    ended = true;
    pending.length = 0;
    unsubscribe();
    notify();
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      while (pending.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      if (pending.length > 0) return { done: false, value: pending.shift() as T };
      return finish();
    },
    return: () => Promise.resolve(finish()),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
