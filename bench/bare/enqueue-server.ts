/**
 * The bare counterpart of `POST /api/runs`: a hand-written Fastify server that stores the
 * body with `pg` and adds a BullMQ job, nothing else (no auth, validation or logging).
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const queue = new Queue('bare-runs', {
    connection: { url: process.env.REDIS_URL },
    prefix: process.env.QUEUE_PREFIX,
  });
  const app = Fastify();
  app.post('/jobs', async (req, reply) => {
    const id = randomUUID();
    await pool.query(`INSERT INTO bare_jobs (id, data, status) VALUES ($1, $2, 'queued')`, [id, req.body]);
    await queue.add('run', { id }, { jobId: id });
    return reply.code(201).send({ id, status: 'queued' });
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

void main();
