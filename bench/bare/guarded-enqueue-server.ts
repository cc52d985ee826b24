/**
 * The bare server of bench/bare/enqueue-server.ts with the four things the issue asks the
 * accept path to keep, and nothing else: the API key (its SHA-256 digest looked up, as
 * the platform's key directory does), validation by the platform's own run schema,
 * admission by the platform's own capacity script, and one pino line per request (from
 * Fastify's onResponse hook). What it leaves out is the framework around them: Nest's
 * router, guards, interceptors and exception filters, the storable-text walk, the egress
 * check of the run's URLs and the fair layer's per-project lines.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { hashApiKey } from '../../src/projects/key-material';
import { takeRunPlace } from '../../src/runs/run-capacity';
import { definitionLimits, parseRunDefinition } from '../../src/runs/run-definition';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const redis = new Redis(process.env.REDIS_URL!);
  const prefix = process.env.QUEUE_PREFIX!;
  const queue = new Queue('bare-runs', { connection: { url: process.env.REDIS_URL }, prefix });
  const projects = new Map([[hashApiKey(process.env.API_KEY!).toString('hex'), randomUUID()]]);
  const limits = definitionLimits({ TEST_EXECUTION_TIMEOUT_MS: 120000 });
  const log = pino();
  const app = Fastify();
  app.addHook('onResponse', (request, reply, done) => {
    log.info(
      {
        req: { id: request.id, method: request.method, url: request.url, remoteAddress: request.ip },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
  app.post('/jobs', async (request, reply) => {
    const key = request.headers['x-api-key'];
    const projectId = typeof key === 'string' ? projects.get(hashApiKey(key).toString('hex')) : undefined;
    if (!projectId) return reply.code(401).send({ statusCode: 401, message: 'A valid API key is required' });
    const { definition, errors } = parseRunDefinition(request.body, limits);
    if (!definition) return reply.code(400).send({ statusCode: 400, message: errors });
    if ((await takeRunPlace(redis, prefix, 1_000_000, { projectId, queuedLimit: null })) !== 'taken')
      return reply.code(429).header('retry-after', '5').send({ statusCode: 429, message: 'Over capacity' });
    const id = randomUUID();
    await pool.query(`INSERT INTO bare_jobs (id, data, status) VALUES ($1, $2, 'queued')`, [id, definition]);
    await queue.add('run', { id }, { jobId: id });
    return reply.code(201).send({ id, status: 'queued' });
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

void main();
