import nodemailer from 'nodemailer';
import { pollUntil } from '../test/helpers/poll';
import { SmtpSink } from '../test/helpers/smtp-sink';
import { Stack } from '../test/helpers/stack';
import { alternate, Figure, median } from './harness';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 400);
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
 * Emails per second from `POST /api/emails` to delivered at a local SMTP sink, against a
 * bare pooled nodemailer loop to the same sink (same pool settings, same concurrency).
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
    const platform = async () => {
      const before = sink.received.length;
      const started = performance.now();
      await pool(EMAILS, CLIENTS, async (i) => {
        const res = await stack.request('/api/emails', {
          body: { to: `bench-${i}@example.com`, subject: `Bench ${i}`, text: 'x'.repeat(2000) },
        });
        if (res.status !== 202) throw new Error(`POST /api/emails answered ${res.status}`);
      });
      await pollUntil(
        async () => sink.received.length - before,
        (n) => n >= EMAILS,
        120000,
        'all emails delivered',
      );
      return EMAILS / ((performance.now() - started) / 1000);
    };
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
    const samples = await alternate(reps, platform, bare);
    const [s, b] = [median(samples.stevedore), median(samples.bare)];
    return [
      {
        scenario: 'email',
        metric: `emails/s, ${EMAILS} POSTed → delivered`,
        unit: '1/s',
        stevedore: s,
        bare: b,
        ratio: s / b,
        target: '>= 0.8',
        samples,
      },
    ];
  } finally {
    await stack.stop();
    await sink.stop();
  }
}
