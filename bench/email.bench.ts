import nodemailer from 'nodemailer';
import { pollUntil } from '../test/helpers/poll';
import { SmtpSink } from '../test/helpers/smtp-sink';
import { Stack } from '../test/helpers/stack';
import { Figure, median } from './harness';

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
    const delivered = async (send: () => Promise<void>) => {
      const before = sink.received.length;
      const started = performance.now();
      await send();
      await pollUntil(
        async () => sink.received.length - before,
        (n) => n >= EMAILS,
        120000,
        'all emails delivered',
      );
      return EMAILS / ((performance.now() - started) / 1000);
    };
    const singles = () => delivered(() => pool(EMAILS, CLIENTS, (i) => post('/api/emails', content(i))));
    const batches = () =>
      delivered(() =>
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
    return [
      figure(`emails/s, ${EMAILS} in batches of ${BATCH} → delivered`, rounds.batches, '>= 0.8'),
      figure(`emails/s, ${EMAILS} single POSTs (${CLIENTS} clients) → delivered`, rounds.singles),
    ];
  } finally {
    await stack.stop();
    await sink.stop();
  }
}
