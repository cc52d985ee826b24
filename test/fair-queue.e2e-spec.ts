import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { FairQueue, runningLimitsKey } from '../src/queues/fair/fair-queue';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/test-env';

/**
 * The fair layer's scripts against a real Redis and a real BullMQ queue (no worker: what
 * dispatch hands to BullMQ stays there to be looked at).
 */
describe('FairQueue (real Redis)', () => {
  let redis: Redis;
  let queue: Queue;
  let prefix: string;

  const job = (id: string, priority = 5) => ({ name: 'run', data: { runId: id }, opts: { jobId: id, priority } });
  const fairWith = (slots: number, cap = 0, limited = false) => {
    const fair = new FairQueue(queue, redis, prefix, cap, limited);
    return fair.offerSlots('w1', slots, 60_000).then(() => fair);
  };
  const queuedIds = async () => (await queue.getJobs(['waiting', 'prioritized'])).map((j) => j.id).sort();

  beforeEach(() => {
    prefix = uniquePrefix();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    queue = new Queue('test-runs', { connection: { url: TEST_REDIS_URL }, prefix });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await queue.close();
    redis.disconnect();
  });

  it('hands a slot that frees to the project served least recently, not to the one with the long line', async () => {
    const fair = await fairWith(2);
    await fair.accept(
      'A',
      ['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => job(id)),
    );
    expect(await fair.dispatch()).toBe(2);
    expect(await queuedIds()).toEqual(['a1', 'a2']);
    await fair.accept('B', [job('b1')]);
    expect(await fair.dispatch()).toBe(0);
    await fair.release('a1');
    expect(await fair.dispatch()).toBe(1);
    expect(await queuedIds()).toContain('b1');
    // Then A again: B has nothing more waiting.
    await fair.release('b1');
    await fair.dispatch();
    expect(await queuedIds()).toContain('a3');
  });

  it('alternates between projects that both have work waiting', async () => {
    const fair = await fairWith(1);
    await fair.accept(
      'A',
      ['a1', 'a2', 'a3'].map((id) => job(id)),
    );
    await fair.accept(
      'B',
      ['b1', 'b2', 'b3'].map((id) => job(id)),
    );
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await fair.dispatch();
      const [id] = await fair.inFlightAdded();
      order.push(id);
      await fair.release(id);
    }
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('keeps priorities within a project, then arrival', async () => {
    const fair = await fairWith(1);
    await fair.accept('A', [job('late', 5), job('urgent', 1), job('later', 5), job('lazy', 10)]);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await fair.dispatch();
      const [id] = await fair.inFlightAdded();
      order.push(id);
      await fair.release(id);
    }
    expect(order).toEqual(['urgent', 'late', 'later', 'lazy']);
  });

  it('honours the cap and a project running limit, and skips a project at its limit', async () => {
    const fair = await fairWith(10, 3, true);
    await redis.hset(runningLimitsKey(prefix), 'A', '1');
    await fair.accept(
      'A',
      ['a1', 'a2'].map((id) => job(id)),
    );
    await fair.accept(
      'B',
      ['b1', 'b2', 'b3'].map((id) => job(id)),
    );
    expect(await fair.dispatch()).toBe(3);
    expect(await queuedIds()).toEqual(['a1', 'b1', 'b2']);
  });

  it('lets a group (a suite) have only its limit pending or in flight, the next one moving up as one ends', async () => {
    const fair = await fairWith(10);
    await fair.accept(
      'A',
      ['s1', 's2', 's3'].map((id) => job(id)),
      { id: 'suite', limit: 1 },
    );
    await fair.accept('A', [job('other')]);
    expect(await fair.dispatch()).toBe(2);
    expect(await queuedIds()).toEqual(['other', 's1']);
    await fair.release('s1');
    await fair.dispatch();
    expect(await queuedIds()).toContain('s2');
    expect(await queuedIds()).not.toContain('s3');
  });

  it('withdraws a pending job (a cancel) and a dispatched one still waiting in BullMQ', async () => {
    const fair = await fairWith(1);
    await fair.accept(
      'A',
      ['a1', 'a2', 'a3'].map((id) => job(id)),
    );
    await fair.dispatch();
    await fair.withdraw('a2');
    expect(await fair.knows('a2')).toBe(false);
    await fair.withdraw('a1');
    expect(await queue.getJob('a1')).toBeUndefined();
    // Its place went back and the next one (a3: a2 is gone) took it.
    expect(await queuedIds()).toEqual(['a3']);
  });

  it('releases once: a second release of the same end changes nothing', async () => {
    const fair = await fairWith(1);
    await fair.accept(
      'A',
      ['a1', 'a2'].map((id) => job(id)),
    );
    await fair.dispatch();
    expect(await fair.release('a1')).toBe(1);
    expect(await fair.release('a1')).toBe(0);
    await fair.dispatch();
    expect(await fair.inFlightAdded()).toEqual(['a2']);
  });

  it('adds again, once, a job whose dispatcher died between the pop and the add', async () => {
    const fair = await fairWith(1);
    await fair.accept('A', [job('a1')]);
    // A dispatcher that pops and dies: the script ran, the add never did.
    const popped = (await redis.eval(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../src/queues/fair/fair-scripts') as { DISPATCH: string }).DISPATCH,
      0,
      fair.base,
      '',
      0,
      1,
    )) as string[];
    expect(popped[0]).toBe('a1');
    expect(await queue.getJob('a1')).toBeUndefined();
    expect(await fair.sweep(0)).toBe(1);
    expect(await queuedIds()).toEqual(['a1']);
    expect(await fair.sweep(0)).toBe(0);
    expect(await queue.count()).toBe(1);
  });

  it('accepting the same job twice keeps one', async () => {
    const fair = await fairWith(0);
    expect(await fair.accept('A', [job('a1')])).toBe(1);
    expect(await fair.accept('A', [job('a1')])).toBe(0);
    await fair.offerSlots('w1', 5, 60_000);
    expect(await fair.dispatch()).toBe(1);
  });

  it('counts no slots of a worker whose offer lapsed', async () => {
    const fair = await fairWith(0);
    await fair.offerSlots('gone', 3, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fair.accept('A', [job('a1')]);
    expect(await fair.dispatch()).toBe(0);
  });
});
