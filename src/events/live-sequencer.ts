import type { LiveUpdate } from './live-update';

/**
 * Keeps one subscription's stream in order and free of repeats. Updates come from a
 * snapshot read from the database and from queue events that may have been published
 * before that read; whatever the subscriber has already been told (by key, or because
 * a snapshot covered it) is dropped, and nothing passes after the final update.
 */
export class LiveSequencer {
  private readonly seen = new Set<string>();
  private ended = false;

  /** True if the update should be delivered; records it as delivered. */
  admit(update: LiveUpdate): boolean {
    if (this.ended || this.seen.has(update.key)) return false;
    this.seen.add(update.key);
    for (const key of update.covers ?? []) this.seen.add(key);
    if (update.final) this.ended = true;
    return true;
  }

  get done(): boolean {
    return this.ended;
  }
}
