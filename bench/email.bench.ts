import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { AppProcess, WORKER_NODE_ARGS } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { SmtpSink } from '../test/helpers/smtp-sink';
import { Stack } from '../test/helpers/stack';
import { DEFAULT_JOB_OPTIONS } from '../src/queues/default-job-options';
import { Figure, median } from './harness';
import { CpuSplit, pidsNamed } from './process-cpu';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 1000);
/** Emails per POST /api/emails/batch, and how many batches are sent at once. */
const BATCH = Number(process.env.BENCH_EMAIL_BATCH ?? 100);
const BATCHES_AT_ONCE = 2;
const CLIENTS = 20;
type Mode = 'singles' | 'batches' | 'durable';

/** Runs `count` tasks with at most `width` at once. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const BARE_EMAILS_TABLE = `CREATE TABLE IF NOT EXISTS bare_emails (
  id uuid PRIMARY KEY, "to" text[] NOT NULL, subject text NOT NULL, text text,
  status varchar(16) NOT NULL, attempts int NOT NULL DEFAULT 0, message_id varchar(255), sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`;

/**
 * Emails per second from the API to delivered at a local SMTP sink, sent one per
 * `POST /api/emails` and in `POST /api/emails/batch` requests, against a bare pooled
 * nodemailer loop to the same sink (same pool settings, same concurrency), and against
 * the same loop with the two guarantees the platform keeps per email and nothing else: a
 * row in PostgreSQL and a BullMQ job (bench/bare/durable-mailer.ts; the rows are written
 * and the jobs added in batches of BATCH from this process, as the batch endpoint does).
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
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  await db.query(BARE_EMAILS_TABLE);
  const bareQueue = new Queue('bare-mail', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
  const durablePort = await freePort();
  const durableWorker = new AppProcess({
    entry: join(__dirname, 'bare', 'durable-mailer.ts'),
    env: {
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      MAIL_PORT: String(sink.port),
      PORT: String(durablePort),
      CONCURRENCY: env.EMAIL_CONCURRENCY ?? '10',
    },
    nodeArgs: WORKER_NODE_ARGS,
  });
  try {
    await durableWorker.waitHealthy(`http://127.0.0.1:${durablePort}/`);
    const content = (i: number) => ({ to: `bench-${i}@example.com`, subject: `Bench ${i}`, text: 'x'.repeat(2000) });
    const post = (path: string, body: unknown) =>
      stack.request(path, { body }).then((res) => {
        if (res.status !== 202) throw new Error(`POST ${path} answered ${res.status}`);
      });
    // Where the CPU goes, per email: each process's CPU time over a round, divided by EMAILS.
    const platformSplit = new CpuSplit({
      api: () => [stack.api.child.pid!],
      worker: () => [stack.worker.child.pid!],
      postgres: () => pidsNamed('postgres'),
      redis: () => pidsNamed('redis-server'),
    });
    const durableSplit = new CpuSplit({
      worker: () => [durableWorker.child.pid!],
      postgres: () => pidsNamed('postgres'),
      redis: () => pidsNamed('redis-server'),
    });
    const cpu: Record<Mode, Array<Record<string, number>>> = { singles: [], batches: [], durable: [] };
    const delivered = async (mode: Mode, send: () => Promise<void>) => {
      const before = sink.received.length;
      const split = mode === 'durable' ? durableSplit : platformSplit;
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
    const durable = () =>
      delivered('durable', () =>
        pool(Math.ceil(EMAILS / BATCH), BATCHES_AT_ONCE, async (b) => {
          const emails = Array.from({ length: Math.min(BATCH, EMAILS - b * BATCH) }, (_, i) => ({
            id: randomUUID(),
            ...content(b * BATCH + i),
          }));
          await db.query(
            `INSERT INTO bare_emails (id, "to", subject, text, status)
             SELECT id, ARRAY[recipient], subject, text, 'queued' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS v(id, recipient, subject, text)`,
            [emails.map((e) => e.id), emails.map((e) => e.to), emails.map((e) => e.subject), emails.map((e) => e.text)],
          );
          // The platform's job options: retries with backoff, finished jobs kept for a while.
          await bareQueue.addBulk(
            emails.map((e) => ({ name: 'send', data: { id: e.id }, opts: { jobId: e.id, ...DEFAULT_JOB_OPTIONS } })),
          );
        }),
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
    await durable();
    await bare();
    const rounds = { singles: [] as number[], batches: [] as number[], durable: [] as number[], bare: [] as number[] };
    for (let i = 0; i < reps; i++) {
      rounds.bare.push(await bare());
      rounds.durable.push(await durable());
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
    const perEmail = (mode: Mode) =>
      Object.keys(cpu[mode][0])
        .map((part) => `${part} ${median(cpu[mode].slice(1).map((round) => round[part])).toFixed(2)}`)
        .join(', ');
    const withCpu = (f: Figure, mode: Mode): Figure => ({
      ...f,
      metric: `${f.metric}; CPU ms per email: ${perEmail(mode)}`,
    });
    return [
      withCpu(figure(`emails/s, ${EMAILS} in batches of ${BATCH} → delivered`, rounds.batches, '>= 0.8'), 'batches'),
      withCpu(figure(`emails/s, ${EMAILS} single POSTs (${CLIENTS} clients) → delivered`, rounds.singles), 'singles'),
      // What the two guarantees cost on their own, against the same bare loop; and the
      // platform's batches against it: how much of the gap is the platform's own.
      withCpu(
        figure(`emails/s, ${EMAILS}, bare durable (a row + a BullMQ job each) → delivered`, rounds.durable),
        'durable',
      ),
      {
        scenario: 'email',
        metric: `emails/s, ${EMAILS} in batches of ${BATCH}, against the bare durable mailer`,
        unit: '1/s',
        stevedore: median(rounds.batches),
        bare: median(rounds.durable),
        ratio: median(rounds.batches) / median(rounds.durable),
        samples: { stevedore: rounds.batches, bare: rounds.durable },
      },
    ];
  } finally {
    await durableWorker.stop();
    await bareQueue.close();
    await db.query('DROP TABLE IF EXISTS bare_emails');
    await db.end();
    await stack.stop();
    await sink.stop();
  }
}
