import { Redis } from 'ioredis';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Socket } from 'socket.io-client';
import { AppProcess } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { connectEvents } from '../test/helpers/live-clients';
import { TEST_API_KEY } from '../test/helpers/test-env';
import { alternate, Figure, median, percentile } from './harness';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);

type Side = 'platform' | 'bare';

/** p50 and p99 of a list of latencies. */
function percentiles(values: number[]): { p50: number; p99: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

/**
 * Live-event latency: from a worker's progress call (`job.updateProgress`, here made by
 * the benchmark process on a real queued run's job) to the event reaching a socket.io
 * client of the real API, one event at a time. Bare: the same call to a BullMQ
 * `QueueEvents` listener in the same process (Redis stream only: no hub, no socket).
 */
export async function eventsBenchmark(env: Record<string, string>, reps: number): Promise<Figure[]> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = new AppProcess({ env: { ...env, APP_PORT: String(port), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  const connection = { url: env.REDIS_URL };
  const queue = new Queue('test-runs', { connection, prefix: env.QUEUE_PREFIX });
  const queueEvents = new QueueEvents('test-runs', { connection, prefix: env.QUEUE_PREFIX });
  let socket: Socket | undefined;
  try {
    await api.waitHealthy(`${base}/api/health`);
    await queueEvents.waitUntilReady();
    // No worker runs: the run stays queued and the benchmark reports progress on its job.
    // The fair layer hands a run to BullMQ only while a worker offers a slot: offer one for
    // a minute, as a worker would (src/queues/fair/fair-scripts.ts, `:slots`).
    const slots = new Redis(env.REDIS_URL);
    await slots.hset(`${env.QUEUE_PREFIX}:fair:test-runs:slots`, 'events-bench', `1:${Date.now() + 60_000}`);
    slots.disconnect();
    const res = await fetch(`${base}/api/runs`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'latency', baseUrl: 'http://127.0.0.1:9', steps: [{ action: 'goto', url: '/' }] }),
    });
    if (res.status !== 201) throw new Error(`POST /api/runs answered ${res.status}: ${await res.text()}`);
    const runId = ((await res.json()) as { id: string }).id;
    const job = await Job.fromId(queue, runId);
    if (!job) throw new Error(`no job for run ${runId}`);
    socket = await connectEvents(base);
    await socket.emitWithAck('subscribe', { runId });

    const arrivals = new Map<number, (at: number) => void>();
    const arrived = (data: { side?: Side; index?: number }, side: Side) => {
      if (data?.side === side) arrivals.get(data.index as number)?.(performance.now());
    };
    socket.on('run.step', (data: { side?: Side; index?: number }) => arrived(data, 'platform'));
    queueEvents.on('progress', ({ data }) => arrived(data as { side?: Side; index?: number }, 'bare'));

    let index = 0; // unique across both sides: the hub never drops a step it has not seen
    const measure = (side: Side) => async () => {
      const latencies: number[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const n = index++;
        const received = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`event ${n} (${side}) not received`)), 5000);
          arrivals.set(n, (at) => {
            clearTimeout(timer);
            resolve(at);
          });
        });
        const sent = performance.now();
        await job.updateProgress({
          type: 'step',
          attempt: 1,
          index: n,
          action: 'goto',
          target: '/',
          status: 'passed',
          durationMs: 0,
          error: null,
          screenshot: null,
          side,
        });
        latencies.push((await received) - sent);
        arrivals.delete(n);
      }
      return percentiles(latencies);
    };
    const runs: Record<Side, Array<{ p50: number; p99: number }>> = { platform: [], bare: [] };
    await alternate(
      reps,
      async () => (runs.platform.push(await measure('platform')()), 0),
      async () => (runs.bare.push(await measure('bare')()), 0),
    );
    // The first entry of each is the warm-up.
    const [platform, bare] = [runs.platform.slice(1), runs.bare.slice(1)];
    const figure = (metric: 'p50' | 'p99', target?: string): Figure => {
      const samples = { stevedore: platform.map((r) => r[metric]), bare: bare.map((r) => r[metric]) };
      const [s, b] = [median(samples.stevedore), median(samples.bare)];
      return {
        scenario: 'events',
        metric: `latency ${metric}, progress call → socket.io client (${EVENTS} events)`,
        unit: 'ms',
        stevedore: s,
        bare: b,
        ratio: s / b,
        target,
        samples,
      };
    };
    return [figure('p50', '< 10 ms'), figure('p99')];
  } finally {
    socket?.close();
    await queueEvents.close();
    await queue.close();
    await api.stop();
  }
}
