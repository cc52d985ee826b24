/**
 * Turns many calls of one statement into few: the first call runs at once, alone; calls
 * made while a batch is in flight wait and go together as the next batch (at most `max`
 * at once). Idle, nothing waits; under load, one round trip serves many callers. Each
 * caller gets its own item's answer, or the batch's error.
 */
export class InFlightBatcher<In, Out> {
  private waiting: Array<{ item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private running = false;

  constructor(
    /** Runs one batch: answers in the order of `items` (none for a write: each caller gets undefined). */
    private readonly run: (items: In[]) => Promise<Out[] | void>,
    private readonly max = 100,
  ) {}

  call(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, this.max);
        try {
          const answers = await this.run(batch.map((entry) => entry.item));
          batch.forEach((entry, i) => entry.resolve((answers ? answers[i] : undefined) as Out));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
