import { cpuMs } from './process-cpu';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { AppProcess } from '../test/helpers/app-process';
import { freePort } from '../test/helpers/free-port';
import { pollUntil } from '../test/helpers/poll';
import { SmtpSink } from '../test/helpers/smtp-sink';
import { TEST_API_KEY, uniquePrefix } from '../test/helpers/test-env';
import { Figure, median } from './harness';

const WORKER_COUNTS = [1, 2, 4];
/** What the SMTP sink and every page of the site wait before answering: I/O-bound work. */
const ANSWER_DELAY_MS = 100;
const EMAILS = Number(process.env.BENCH_SCALE_EMAILS ?? 800);
const EMAIL_CLIENTS = 20;
/**
 * A crawl is one job, taken by one worker: a single crawl cannot use a second worker. So the
 * crawl workload is CRAWLS crawls POSTed at once, of CRAWL_PAGES pages each (a start page
 * linking to the rest), the same total for every N.
 */
const CRAWLS = Number(process.env.BENCH_SCALE_CRAWLS ?? 32);
const CRAWL_PAGES = 25;
/** Each crawl's own width: the request's default. */
const CRAWL_CONCURRENCY = 5;

/** Runs `count` tasks with at most `width` at once. */
async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** One API and `workers` worker processes on one queue prefix, as on several machines: each worker its own health port. */
class Cluster {
  api!: AppProcess;
  readonly workers: AppProcess[] = [];
  base = '';

  constructor(
    private readonly env: Record<string, string>,
    readonly size: number,
  ) {}

  async start(): Promise<this> {
    const env = { ...this.env, QUEUE_PREFIX: uniquePrefix() };
    const apiPort = await freePort();
    this.base = `http://127.0.0.1:${apiPort}`;
    this.api = new AppProcess({ env: { ...env, APP_PORT: String(apiPort) } });
    const healthy = [this.api.waitHealthy(`${this.base}/api/health`)];
    for (let i = 0; i < this.size; i++) {
      const port = await freePort();
      const worker = new AppProcess({ env: { ...env, IS_WORKER: 'true', APP_WORKER_PORT: String(port) } });
      this.workers.push(worker);
      healthy.push(worker.waitHealthy(`http://127.0.0.1:${port}/api/health`));
    }
    try {
      await Promise.all(healthy);
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(), ...this.workers.map((w) => w.stop())]);
  }

  /** CPU ms used so far by the API and by the workers together. */
  cpu(): { api: number; workers: number } {
    return {
      api: cpuMs(this.api.child.pid!),
      workers: this.workers.reduce((sum, w) => sum + cpuMs(w.child.pid!), 0),
    };
  }

  async post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

/** Crawl k's pages: /c/k/0 links to /c/k/1 … /c/k/(CRAWL_PAGES-1); every page answers after ANSWER_DELAY_MS. */
async function serveSlowSite(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const m = /^\/c\/(\d+)\/(\d+)$/.exec(req.url ?? '');
    if (!m || Number(m[2]) >= CRAWL_PAGES) return void res.writeHead(404).end();
    const [k, i] = [m[1], Number(m[2])];
    const links = i === 0 ? Array.from({ length: CRAWL_PAGES - 1 }, (_, p) => `/c/${k}/${p + 1}`) : [`/c/${k}/0`];
    const html = `<!doctype html><html><head><title>Crawl ${k} page ${i}</title></head><body><h1>Page ${i}</h1><p>${'Stevedore waits for this page. '.repeat(30)}</p>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body></html>`;
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html), ANSWER_DELAY_MS);
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The share of the crawls `ids` that the busiest worker took (1/N when spread evenly). */
async function busiestShare(db: Client, ids: string[]): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM scrapes WHERE id = ANY($1) GROUP BY worker ORDER BY n DESC LIMIT 1`,
    [ids],
  );
  return (rows[0]?.n ?? 0) / ids.length;
}

/**
 * Scaling with worker processes on I/O-bound work: one API and 1, 2 or 4 workers, each with
 * the default per-worker concurrency, (a) EMAILS emails POSTed to an SMTP sink that answers
 * each message after 100 ms, (b) CRAWLS crawls at once of a site that answers each page after
 * 100 ms. The three clusters stay up together and each repetition goes 1, 2, 4, so drift on
 * the machine hits every N alike.
 */
export async function scaleBenchmark(
  env: Record<string, string>,
  reps: number,
  databaseUrl: string,
): Promise<Figure[]> {
  const sink = new SmtpSink({ replyDelayMs: ANSWER_DELAY_MS });
  await sink.start();
  const { server, base: site } = await serveSlowSite();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const clusterEnv = {
    ...env,
    MAIL_HOST: '127.0.0.1',
    MAIL_PORT: String(sink.port),
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
  };
  const clusters: Cluster[] = [];
  try {
    // One at a time: ten processes starting at once on two cores would time out.
    for (const n of WORKER_COUNTS) clusters.push(await new Cluster(clusterEnv, n).start());

    /** CPU ms per item of the API and of the workers, per kind and N, over the counted rounds. */
    const cpu: Record<string, { api: number[]; workers: number[] }> = {};
    const measured = async (kind: string, cluster: Cluster, items: number, phase: () => Promise<number>) => {
      const before = cluster.cpu();
      const rate = await phase();
      const after = cluster.cpu();
      const slot = (cpu[`${kind}:${cluster.size}`] ??= { api: [], workers: [] });
      slot.api.push((after.api - before.api) / items);
      slot.workers.push((after.workers - before.workers) / items);
      return rate;
    };

    const emails = async (cluster: Cluster) => {
      const before = sink.received.length;
      const started = performance.now();
      await pool(EMAILS, EMAIL_CLIENTS, async (i) => {
        const res = await cluster.post('/api/emails', {
          to: `scale-${i}@example.com`,
          subject: `Scale ${i}`,
          text: 'x'.repeat(2000),
        });
        if (res.status !== 202) throw new Error(`POST /api/emails answered ${res.status}`);
      });
      await pollUntil(
        async () => sink.received.length - before,
        (n) => n >= EMAILS,
        300000,
        'all emails delivered',
      );
      return EMAILS / ((performance.now() - started) / 1000);
    };

    const shares: Record<number, number[]> = {};
    let round = 0;
    const crawls = async (cluster: Cluster) => {
      round++;
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: CRAWLS }, async (_, k) => {
          const res = await cluster.post('/api/scrapes', {
            url: `${site}/c/${round * 1000 + k}/0`,
            mode: 'crawl',
            maxPages: CRAWL_PAGES,
            maxDepth: 2,
            concurrency: CRAWL_CONCURRENCY,
            respectRobots: false,
          });
          if (res.status !== 201) throw new Error(`POST /api/scrapes answered ${res.status}: ${await res.text()}`);
          return ((await res.json()) as { id: string }).id;
        }),
      );
      await pollUntil(
        async () =>
          (
            await db.query(
              `SELECT count(*)::int AS n FROM scrapes WHERE id = ANY($1) AND status NOT IN ('queued', 'running')`,
              [ids],
            )
          ).rows[0].n as number,
        (n) => n === CRAWLS,
        300000,
        'all crawls ended',
      );
      const rate = (CRAWLS * CRAWL_PAGES) / ((performance.now() - started) / 1000);
      const { rows } = await db.query(`SELECT status, pages_done FROM scrapes WHERE id = ANY($1)`, [ids]);
      const short = rows.filter((r) => r.status !== 'completed' || r.pages_done !== CRAWL_PAGES);
      if (short.length) throw new Error(`crawls ended short: ${JSON.stringify(short.slice(0, 3))}`);
      (shares[cluster.size] ??= []).push(await busiestShare(db, ids));
      await db.query(`DELETE FROM scrapes WHERE id = ANY($1)`, [ids]);
      return rate;
    };

    const samples = { emails: {} as Record<number, number[]>, crawls: {} as Record<number, number[]> };
    // One uncounted warm-up round (JIT, connection pools, SMTP connections), then `reps` rounds.
    for (let r = 0; r <= reps; r++) {
      for (const cluster of clusters) {
        const e = await measured('emails', cluster, EMAILS, () => emails(cluster));
        const c = await measured('crawls', cluster, CRAWLS * CRAWL_PAGES, () => crawls(cluster));
        if (r === 0) continue;
        (samples.emails[cluster.size] ??= []).push(e);
        (samples.crawls[cluster.size] ??= []).push(c);
      }
    }

    const figures: Figure[] = [];
    const report = (kind: 'emails' | 'crawls', what: string, unit: string) => {
      const one = median(samples[kind][1]);
      for (const n of WORKER_COUNTS) {
        const rate = median(samples[kind][n]);
        const { api, workers } = cpu[`${kind}:${n}`];
        const share =
          (kind === 'crawls'
            ? `, busiest worker took ${(median(shares[n].slice(1)) * 100).toFixed(0)} % of crawls`
            : '') +
          `; CPU per item: API ${median(api.slice(1)).toFixed(1)} ms, workers ${median(workers.slice(1)).toFixed(1)} ms`;
        figures.push({
          scenario: 'scale',
          metric: `${what}, ${n} worker${n > 1 ? 's' : ''}${share}`,
          unit,
          stevedore: rate,
          bare: one,
          ratio: rate / one,
          target: n === 1 ? '' : `>= ${(0.8 * n).toFixed(1)} (0.8 × ${n})`,
          samples: { stevedore: samples[kind][n], bare: samples[kind][1] },
        });
      }
    };
    report(
      'emails',
      `emails/s, ${EMAILS} POSTed → delivered, SMTP answers after ${ANSWER_DELAY_MS} ms (vs 1 worker)`,
      '1/s',
    );
    report(
      'crawls',
      `pages/s, ${CRAWLS} crawls × ${CRAWL_PAGES} pages at once, each page after ${ANSWER_DELAY_MS} ms (vs 1 worker)`,
      '1/s',
    );
    return figures;
  } finally {
    for (const cluster of clusters) await cluster.stop().catch(() => undefined);
    await db.end();
    await sink.stop();
    await new Promise((resolve) => server.close(resolve));
  }
}
