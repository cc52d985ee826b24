/**
 * The bare counterpart of a worker: one BullMQ worker on `bare-jobs` doing the same work as
 * the platform's email job with MAIL_HOST unset: mark the row started, render the message
 * and write it as an .eml file, mark it done. A `/health` port reports readiness and RSS.
 */
import { Worker } from 'bullmq';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const mail = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = join(process.env.ARTIFACTS_DIR ?? '/tmp', 'bare-mail');
  const worker = new Worker(
    'bare-jobs',
    async (job) => {
      if (job.name === 'noop') return;
      const id = (job.data as { id: string }).id;
      await pool.query(`UPDATE bare_jobs SET status = 'running', updated_at = now() WHERE id = $1`, [id]);
      const info = await mail.sendMail({
        from: 'bench@example.com',
        to: 'bare@example.com',
        subject: `Bench ${id}`,
        text: 'x'.repeat(2000),
        messageId: `<${id}@bare>`,
      });
      await mkdir(dir, { recursive: true }); // as the platform's .eml transport does for each message
      await writeFile(join(dir, `${id}.eml`), info.message as Buffer);
      await pool.query(`UPDATE bare_jobs SET status = 'done', updated_at = now() WHERE id = $1`, [id]);
    },
    {
      connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
      prefix: process.env.QUEUE_PREFIX,
      concurrency: Number(process.env.CONCURRENCY ?? 10),
    },
  );
  await worker.waitUntilReady();
  createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss: process.memoryUsage().rss })),
  ).listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
