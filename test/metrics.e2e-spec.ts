import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { familiesWithoutSamples, promtoolFindings } from './helpers/promtool';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';

/** What Prometheus scrapes from both roles is valid exposition with no lint finding. */
describe('Prometheus metrics', () => {
  const sink = new SmtpSink();
  let stack: Stack;

  beforeAll(async () => {
    await sink.start();
    stack = await new Stack(baseEnv({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(sink.port) })).start();
    // Some work first, so the job families have samples.
    const { id } = await json(
      await stack.request('/api/emails', { body: { to: 'metrics@example.com', subject: 'Counted', text: 'x' } }),
    );
    await pollUntil(
      async () => json(await stack.request(`/api/emails/${id}`)),
      (e) => e.status === 'sent',
      20000,
      'email sent',
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await sink.stop();
  });

  const scrape = async (base: string) => (await fetch(`${base}/metrics`)).text();

  it.each([
    ['the API', () => stack.base],
    ['a worker', () => stack.workerBase],
  ])('%s passes promtool check metrics with no finding', async (_, base) => {
    const text = await scrape(base());
    expect(text).toContain('stevedore_process_resident_memory_bytes');
    expect(promtoolFindings(text)).toBe('');
  });

  it.each([
    ['the API', () => stack.base],
    ['a worker', () => stack.workerBase],
  ])('%s exports none of its own families without a sample', async (_, base) => {
    // The runtime's families (GC durations, libuv requests) fill on events; ours must not be declared where they never fill.
    const own = familiesWithoutSamples(await scrape(base())).filter(
      (family) => !/^stevedore_(nodejs|process)_/.test(family),
    );
    expect(own).toEqual([]);
  });

  it('exports job counters on the worker after the email went out, and none on the API', async () => {
    const [api, worker] = [await scrape(stack.base), await scrape(stack.workerBase)];
    expect(worker).toMatch(/^stevedore_jobs_finished_total\{queue="emails",outcome="completed",role="worker"\} 1$/m);
    expect(api).not.toContain('stevedore_jobs_finished_total');
    expect(api).toMatch(/^stevedore_queue_jobs\{queue="emails",state="completed",role="api"\} 1$/m);
  });
});
