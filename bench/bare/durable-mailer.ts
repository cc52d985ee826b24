/**
 * The bare counterpart of the platform's email worker with its two guarantees kept and
 * nothing else: each email is a row in PostgreSQL and a BullMQ job (so it survives a
 * crash, is retried on its own and has a status to read). One BullMQ worker claims the
 * row, sends through a pooled nodemailer transport and records it sent; no batching, no
 * fair layer, no metrics, no Nest. A `/health` port reports readiness.
 */
import { Worker } from 'bullmq';
import { createServer } from 'node:http';
import nodemailer from 'nodemailer';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const mail = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: Number(process.env.MAIL_PORT),
    secure: false,
    ignoreTLS: true,
  });
  const worker = new Worker(
    'bare-mail',
    async (job) => {
      const id = (job.data as { id: string }).id;
      const { rows } = await pool.query<{ to: string[]; subject: string; text: string }>(
        `UPDATE bare_emails SET status = 'sending', attempts = attempts + 1, updated_at = now()
         WHERE id = $1 AND status IN ('queued', 'sending') RETURNING "to", subject, text`,
        [id],
      );
      if (!rows[0]) return;
      const messageId = `<${id}@bare>`;
      await mail.sendMail({ from: 'bench@example.com', ...rows[0], messageId });
      await pool.query(
        `UPDATE bare_emails SET status = 'sent', message_id = $2, sent_at = now(), updated_at = now() WHERE id = $1`,
        [id, messageId],
      );
    },
    {
      connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
      prefix: process.env.QUEUE_PREFIX,
      concurrency: Number(process.env.CONCURRENCY ?? 10),
    },
  );
  await worker.waitUntilReady();
  createServer((_req, res) => res.writeHead(200).end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
