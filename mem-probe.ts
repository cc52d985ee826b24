import { readFileSync } from 'node:fs';
import { Stack } from './test/helpers/stack';
import { baseEnv } from './test/helpers/test-env';
import { createServer } from 'node:http';
const PAGES = 1000;
const para = `<p>${'Stevedore crawls this page to measure itself against a bare crawler. '.repeat(16)}</p>`.repeat(33);
const page = (i: number) => Buffer.from(`<!doctype html><html><head><title>P${i}</title></head><body>${para}${Array.from({ length: 17 }, (_, k) => `<a href="/p/${(i * 7 + k + 1) % PAGES}">x</a>`).join('')}</body></html>`);
(async () => {
  const server = createServer((req, res) => { const m = /^\/p\/(\d+)$/.exec(req.url ?? ''); if (!m) return void res.writeHead(404).end(); const b = page(Number(m[1])); res.writeHead(200, { 'content-type': 'text/html', 'content-length': b.length }).end(b); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const stack = await new Stack(baseEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/stevedore_bench', NODE_ENV: 'production', LOG_LEVEL: 'warn', ALLOWED_PRIVATE_HOSTS: '127.0.0.1', SCRAPE_HOST_CONCURRENCY: '64', ...(process.env.NO ? { NODE_OPTIONS: process.env.NO } : {}) })).start();
  const pid = stack.worker.child.pid!;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  console.log('idle rss', rss().toFixed(0));
  for (let rep = 0; rep < 2; rep++) {
    const res = await stack.request('/api/scrapes', { body: { url: `${base}/p/0`, mode: 'crawl', maxPages: PAGES, maxDepth: 50, concurrency: 10, respectRobots: false } });
    const { id } = await res.json() as { id: string };
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const s = await (await stack.request(`/api/scrapes/${id}`)).json() as { status: string; pagesDone: number };
      console.log(s.status, s.pagesDone, 'rss', rss().toFixed(0));
      if (s.status !== 'running' && s.status !== 'queued') break;
    }
  }
  console.log(stack.worker.output.split('\n').filter((l) => /heap|memory|FATAL|Allocation/i.test(l)).slice(0, 5).join('\n'));
  await stack.stop(); server.close();
})();
