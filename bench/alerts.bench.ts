import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AlertReceivers } from '../test/helpers/alert-receivers';
import { pollUntil } from '../test/helpers/poll';
import { Stack } from '../test/helpers/stack';
import { Figure, percentile } from './harness';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 50);

/**
 * Alert latency: from a scheduled run's final state being stored (as a worker stores it) to
 * the receiver's request, over INCIDENTS incidents, each opened by a failed run and
 * resolved by a passing one. The runs are written straight into the schedule's history
 * (the schedule itself is paused: no browser, so only the alert path is timed) and the
 * receiver is a PagerDuty-shaped endpoint on this machine. Bare: the same HTTP request sent
 * by the benchmark itself the moment it stores the run (what a receiver cannot beat).
 */
export async function alertsBenchmark(env: Record<string, string>, databaseUrl: string): Promise<Figure[]> {
  const receivers = await new AlertReceivers().start();
  const stack = await new Stack({
    ...env,
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    SCHEDULE_MIN_INTERVAL_MS: '60000',
  }).start();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const channel = (await (
      await stack.request('/api/alert-channels', {
        body: {
          name: `bench-${randomUUID()}`,
          type: 'pagerduty',
          routingKey: 'benchbenchbenchbenchbenchbench01',
          url: receivers.url('/pd'),
        },
      })
    ).json()) as { id: string };
    const created = (await (
      await stack.request('/api/schedules', {
        body: {
          name: 'alert latency',
          cron: '0 0 1 1 *',
          run: { name: 'alert latency', baseUrl: 'http://127.0.0.1:9', steps: [{ action: 'goto', url: '/' }] },
          alerts: { channels: [channel.id], cooldownMs: 0 },
        },
      })
    ).json()) as { id: string };
    await stack.request(`/api/schedules/${created.id}/pause`, { method: 'POST' });
    const [{ project_id: projectId }] = (await db.query(`SELECT project_id FROM schedules WHERE id = $1`, [created.id]))
      .rows as Array<{ project_id: string }>;
    const store = (status: 'failed' | 'passed') =>
      db.query(
        `INSERT INTO runs (id, project_id, name, definition, status, schedule_id, started_at, finished_at, duration_ms, error)
         VALUES ($1, $2, 'alert latency', '{}'::jsonb, $3, $4, now(), clock_timestamp(), 100, $5)`,
        [randomUUID(), projectId, status, created.id, status === 'failed' ? 'expected "Up", got "Down"' : null],
      );
    const platform: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const before = receivers.at('/pd').length;
      const stored = Date.now();
      await store('failed');
      const got = await pollUntil(
        async () => receivers.at('/pd').length,
        (n) => n > before,
        10_000,
        'trigger',
      );
      platform.push(receivers.at('/pd')[got - 1].at - stored);
      // Resolve it before the next one (not timed).
      await store('passed');
      await pollUntil(
        async () => receivers.at('/pd').length,
        (n) => n > got,
        10_000,
        'resolve',
      );
      const sent = Date.now();
      await fetch(receivers.url('/bare'), { method: 'POST', body: '{}' });
      bare.push(receivers.at('/bare').at(-1)!.at - sent);
    }
    const figure = (metric: string, p: number, target?: string): Figure => ({
      scenario: 'alerts',
      metric,
      unit: 'ms',
      stevedore: percentile(platform, p),
      bare: percentile(bare, p),
      ratio: 0,
      target,
      samples: { stevedore: platform, bare },
    });
    return [
      figure(
        `alert latency p50, run stored → receiver (${INCIDENTS} incidents, MONITOR_SWEEP_MS ${env.MONITOR_SWEEP_MS ?? 1000})`,
        50,
      ),
      figure('alert latency p95, same', 95, '< 2000 ms'),
    ];
  } finally {
    await db.end();
    await stack.stop();
    await receivers.stop();
  }
}
