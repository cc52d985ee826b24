import { InFlightBatcher } from './in-flight-batcher';

describe('InFlightBatcher', () => {
  it('runs the first call alone and the calls made meanwhile together, each with its own answer', async () => {
    const batches: number[][] = [];
    const batcher = new InFlightBatcher<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((n) => n * 10);
    });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => batcher.call(n)));
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within max', async () => {
    const sizes: number[] = [];
    const batcher = new InFlightBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      await Promise.resolve();
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.call(n)));
    expect(sizes).toEqual([1, 2, 2]);
  });

  it("fails only the failing batch's callers, and goes on with the next", async () => {
    let first = true;
    const batcher = new InFlightBatcher<number, number>(async (items) => {
      await new Promise((r) => setTimeout(r, 1));
      if (first) {
        first = false;
        throw new Error('database gone');
      }
      return items;
    });
    const results = await Promise.allSettled([1, 2].map((n) => batcher.call(n)));
    expect(results[0]).toEqual({ status: 'rejected', reason: new Error('database gone') });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 2 });
    await expect(batcher.call(3)).resolves.toBe(3);
  });
});
