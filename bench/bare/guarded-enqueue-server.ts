/**
 * The bare server of bench/bare/enqueue-server.ts with the four things the issue asks the
 * accept path to keep, done with the platform's own code, and nothing else:
 * - the API key: its SHA-256 digest looked up, as the platform's key directory does;
 * - validation: the storable-text walk of body, query and path (no NUL or lone surrogate
 *   reaches PostgreSQL), the run schema, and the egress rule for the run's URLs (the SSRF
 *   check that makes a refused host a 400 naming the step);
 * - admission: the capacity script, then the job in its project's line of the fair layer
 *   (with no worker, as in the platform's rounds, the line holds it: nothing is dispatched);
 * - the run stored as the platform stores it: the same row in the same `runs` table (with
 *   the indexes its lists need) and the same job data, by the same statement;
 * - one pino line per request, from Fastify's onResponse hook.
 * What it leaves out is the framework around them: Nest's router, guards, interceptors,
 * pipes and exception filters.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { AddressPolicy } from '../../src/egress/address-policy';
import { hashApiKey } from '../../src/projects/key-material';
import { FairQueue } from '../../src/queues/fair/fair-queue';
import { newRun, newRunInsert } from '../../src/runs/new-run';
import { takeRunPlace } from '../../src/runs/run-capacity';
import { runJob } from '../../src/runs/run-job';
import { definitionLimits, parseRunDefinition } from '../../src/runs/run-definition';
import { refusedRunUrls } from '../../src/runs/run-url-check';
import { unstorableRequestText } from '../../src/storable-text/storable-text';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const redis = new Redis(process.env.REDIS_URL!);
  const prefix = process.env.QUEUE_PREFIX!;
  const queue = new Queue('bare-runs', { connection: { url: process.env.REDIS_URL }, prefix });
  const projects = new Map([[hashApiKey(process.env.API_KEY!).toString('hex'), randomUUID()]]);
  const limits = definitionLimits({ TEST_EXECUTION_TIMEOUT_MS: 120000 });
  const policy = new AddressPolicy(['127.0.0.1']);
  // As the platform's run kind: no cap beyond the workers' slots, projects' running limits on.
  const fair = new FairQueue(queue, redis, prefix, 0, true);
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
    const unstorable = unstorableRequestText(request);
    if (unstorable.length) return reply.code(400).send({ statusCode: 400, message: unstorable });
    const { definition, errors } = parseRunDefinition(request.body, limits);
    if (!definition) return reply.code(400).send({ statusCode: 400, message: errors });
    const refused = await refusedRunUrls(definition, policy);
    if (refused.length) return reply.code(400).send({ statusCode: 400, message: refused });
    if ((await takeRunPlace(redis, prefix, 1_000_000, { projectId, queuedLimit: null })) !== 'taken')
      return reply.code(429).header('retry-after', '5').send({ statusCode: 429, message: 'Over capacity' });
    const run = newRun(definition, { projectId });
    await pool.query(...newRunInsert(run));
    await fair.enqueue(projectId, [runJob(run)]);
    return reply.code(201).send({ id: run.id, status: run.status });
  });
  app.get('/health', async () => ({ ok: true }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

void main();
