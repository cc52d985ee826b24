import nodemailer from 'nodemailer';
import { SmtpSink } from '../test/helpers/smtp-sink';
import { Stack } from '../test/helpers/stack';
import { Figure, median } from './harness';
import { CpuSplit, pidsNamed } from './process-cpu';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 1000);
/** Emails per POST /api/emails/batch, and how many batches are sent at once. */
const BATCH = Number(process.env.BENCH_EMAIL_BATCH ?? 100);
const BATCHES_AT_ONCE = 2;
const CLIENTS = 20;

/** Runs `count` tasks with at most `width` at once. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * Emails per second from the API to delivered at a local SMTP sink, sent one per
 * `POST /api/emails` and in `POST /api/emails/batch` requests, against a bare pooled
 * nodemailer loop to the same sink (same pool settings, same concurrency).
 */
export async function emailBenchmark(env: Record<string, string>, reps: number): Promise<Figure[]> {
  const sink = new SmtpSink();
  await sink.start();
  const stack = await new Stack({
    ...env,
    MAIL_HOST: '127.0.0.1',
    MAIL_PORT: String(sink.port),
    LOG_LEVEL: 'warn',
  }).start();
  try {
    const content = (i: number) => ({ to: `bench-${i}@example.com`, subject: `Bench ${i}`, text: 'x'.repeat(2000) });
    const post = (path: string, body: unknown) =>
      stack.request(path, { body }).then((res) => {
        if (res.status !== 202) throw new Error(`POST ${path} answered ${res.status}`);
      });
    // Where the CPU goes, per email: each process's CPU time over a round, divided by EMAILS.
    const split = new CpuSplit({
      api: () => [stack.api.child.pid!],
      worker: () => [stack.worker.child.pid!],
      postgres: () => pidsNamed('postgres'),
      redis: () => pidsNamed('redis-server'),
    });
    const cpu: Record<'singles' | 'batches', Array<Record<string, number>>> = { singles: [], batches: [] };
    const delivered = async (mode: 'singles' | 'batches', send: () => Promise<void>) => {
      const before = sink.received.length;
      split.start();
      const started = performance.now();
      await send();
      // The sink is in this process: look every 2 ms (pollUntil's 100 ms would be 5 % of a round).
      const deadline = Date.now() + 120000;
      while (sink.received.length - before < EMAILS) {
        if (Date.now() > deadline)
          throw new Error(`only ${sink.received.length - before} of ${EMAILS} emails delivered`);
        await new Promise((r) => setTimeout(r, 2));
      }
      const seconds = (performance.now() - started) / 1000;
      const used = split.stop();
      cpu[mode].push(Object.fromEntries(Object.entries(used).map(([part, ms]) => [part, ms / EMAILS])));
      return EMAILS / seconds;
    };
    const singles = () => delivered('singles', () => pool(EMAILS, CLIENTS, (i) => post('/api/emails', content(i))));
    const batches = () =>
      delivered('batches', () =>
        pool(Math.ceil(EMAILS / BATCH), BATCHES_AT_ONCE, (b) =>
          post('/api/emails/batch', {
            emails: Array.from({ length: Math.min(BATCH, EMAILS - b * BATCH) }, (_, i) => content(b * BATCH + i)),
          }),
        ),
      );
    const bare = async () => {
      const transport = nodemailer.createTransport({
        pool: true,
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        ignoreTLS: true,
      });
      const started = performance.now();
      await pool(EMAILS, 10, (i) =>
        transport.sendMail({
          from: 'bench@example.com',
          to: `bare-${i}@example.com`,
          subject: `Bench ${i}`,
          text: 'x'.repeat(2000),
        }),
      );
      const rate = EMAILS / ((performance.now() - started) / 1000);
      transport.close();
      return rate;
    };
    // One round of each at the start is a warm-up; then singles, batches and bare take turns.
    await singles();
    await batches();
    await bare();
    const rounds = { singles: [] as number[], batches: [] as number[], bare: [] as number[] };
    for (let i = 0; i < reps; i++) {
      rounds.bare.push(await bare());
      rounds.batches.push(await batches());
      rounds.singles.push(await singles());
    }
    const b = median(rounds.bare);
    const figure = (metric: string, values: number[], target?: string): Figure => ({
      scenario: 'email',
      metric,
      unit: '1/s',
      stevedore: median(values),
      bare: b,
      ratio: median(values) / b,
      target,
      samples: { stevedore: values, bare: rounds.bare },
    });
    // CPU ms per email by process, medians over the counted rounds (the warm-up's dropped).
    const perEmail = (mode: 'singles' | 'batches') =>
      Object.keys(cpu[mode][0])
        .map((part) => `${part} ${median(cpu[mode].slice(1).map((round) => round[part])).toFixed(2)}`)
        .join(', ');
    const withCpu = (f: Figure, mode: 'singles' | 'batches'): Figure => ({
      ...f,
      metric: `${f.metric}; CPU ms per email: ${perEmail(mode)}`,
    });
    return [
      withCpu(figure(`emails/s, ${EMAILS} in batches of ${BATCH} → delivered`, rounds.batches, '>= 0.8'), 'batches'),
      withCpu(figure(`emails/s, ${EMAILS} single POSTs (${CLIENTS} clients) → delivered`, rounds.singles), 'singles'),
    ];
  } finally {
    await stack.stop();
    await sink.stop();
  }
}
