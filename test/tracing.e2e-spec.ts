import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from './helpers/json';
import { OtlpReceiver, ReceivedSpan } from './helpers/otlp-receiver';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';
import { TestSite } from './helpers/test-site';

/** Preloaded into both processes: at exit each prints how many OpenTelemetry SDK files it had loaded. */
const PROBE = `--require "${join(__dirname, 'fixtures', 'otel-probe.cjs')}"`;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

const isPg = (span: ReceivedSpan) =>
  span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql';
const isRedis = (span: ReceivedSpan) =>
  span.attributes['db.system.name'] === 'redis' || span.attributes['db.system'] === 'redis';
/** What each process's probe printed at exit. */
const sdkFiles = (stack: Stack) =>
  [stack.api, stack.worker].map((p) => p.logLines().find((line) => 'otelSdkFiles' in line)?.otelSdkFiles);

/**
 * One trace per job across processes: a real API and a real worker export their spans over
 * OTLP/HTTP to a receiver in this process, and the spans of a request that queues work
 * (its HTTP span, the row's INSERT, the fair layer's Redis script) and those of the job's
 * processing on the worker (BullMQ's process span, the executor's phases, their database
 * and Redis calls) carry one trace id.
 */
describe('tracing (OpenTelemetry)', () => {
  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    const receiver = new OtlpReceiver();
    const sink = new SmtpSink();
    let site: TestSite;
    let stack: Stack;
    let dir: string;

    /** The whole trace of the span `find` picks, once `complete` says it has arrived whole. */
    const traceOf = (
      find: (span: ReceivedSpan) => boolean,
      complete: (spans: ReceivedSpan[]) => boolean,
      what: string,
    ) =>
      pollUntil(
        async () => {
          const anchor = receiver.spans.find(find);
          return anchor ? receiver.trace(anchor.traceId) : [];
        },
        complete,
        20000,
        what,
      );

    beforeAll(async () => {
      await receiver.start();
      await sink.start();
      site = await new TestSite({ '/': '<title>Home</title><h1>Traced</h1>' }).start();
      dir = await mkdtemp(join(tmpdir(), 'stevedore-tracing-'));
      stack = await new Stack(
        baseEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          // Spans go out a tenth of a second after they end: the test need not wait 5 s.
          OTEL_BSP_SCHEDULE_DELAY: '100',
          MAIL_HOST: '127.0.0.1',
          MAIL_PORT: String(sink.port),
          ARTIFACTS_DIR: dir,
          ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
          // One email at a time: a second one waits in the fair layer until the worker hands it on.
          EMAIL_CONCURRENCY: '1',
          NODE_OPTIONS: PROBE,
        }),
      ).start();
    });

    afterAll(async () => {
      await stack?.stop();
      await Promise.all([receiver.stop(), sink.stop(), site?.stop()]);
      await rm(dir, { recursive: true, force: true });
    });

    it("an email: the API's request and the worker's delivery are one trace, with database and Redis calls on both sides", async () => {
      const res = await stack.request('/api/emails', { body: { to: 'traced@example.com', subject: 'Hi', text: 'x' } });
      expect(res.status).toBe(202);
      const { id } = await json(res);
      await pollUntil(
        async () => (await json(await stack.request(`/api/emails/${id}`))).status,
        (status) => status === 'sent',
        20000,
        `email ${id} sent`,
      );

      const spans = await traceOf(
        (span) => span.name === 'email claim' && span.attributes['stevedore.email.id'] === id,
        (trace) =>
          ['POST /api/emails', 'enqueue emails', 'process emails', 'email claim', 'email send'].every((name) =>
            trace.some((span) => span.name === name),
          ) && trace.some((span) => span.service === 'stevedore-api' && isRedis(span)),
        `the trace of email ${id}`,
      );
      const api = spans.filter((span) => span.service === 'stevedore-api');
      const worker = spans.filter((span) => span.service === 'stevedore-worker');

      // The request's own span, named by its route, starts the trace.
      const request = api.find((span) => span.name === 'POST /api/emails');
      expect(request).toMatchObject({ kind: SERVER, parentSpanId: undefined });
      expect(request!.attributes['http.route']).toBe('/api/emails');
      // The row's INSERT and the fair layer's script, inside the request.
      expect(api.some(isPg)).toBe(true);
      expect(api.some(isRedis)).toBe(true);

      // The job's processing continues the span that queued it: the context crossed Redis in the job.
      const enqueue = api.find((span) => span.name === 'enqueue emails');
      const processing = worker.find((span) => span.name === 'process emails');
      expect(enqueue).toMatchObject({ kind: PRODUCER });
      expect(processing).toMatchObject({ kind: CONSUMER, parentSpanId: enqueue!.spanId });
      // The executor's phases, and their own database and Redis calls, beneath it.
      expect(worker.find((span) => span.name === 'email claim')?.parentSpanId).toBe(processing!.spanId);
      expect(worker.some((span) => span.name === 'email send')).toBe(true);
      expect(worker.some(isPg)).toBe(true);
      expect(worker.some(isRedis)).toBe(true);
      expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    });

    it('an email the worker dispatches later (its line was full) keeps the trace of the request that queued it', async () => {
      let release!: () => void;
      sink.hold((rcpt) => rcpt === 'first@example.com', new Promise<void>((resolve) => (release = resolve)));
      const send = async (to: string) =>
        (await json(await stack.request('/api/emails', { body: { to, subject: 'Hi', text: 'x' } }))).id as string;
      const status = async (id: string) => (await json(await stack.request(`/api/emails/${id}`))).status as string;
      const first = await send('first@example.com');
      await pollUntil(
        () => status(first),
        (s) => s === 'sending',
        20000,
        `email ${first} sending`,
      );
      // The worker's one slot is taken and its one prefetched place goes to the next email:
      // the one after waits in its project's line, not in BullMQ.
      await send('prefetched@example.com');
      const second = await send('second@example.com');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await status(second)).toBe('queued');
      release();
      await pollUntil(
        () => status(second),
        (s) => s === 'sent',
        20000,
        `email ${second} sent`,
      );

      const spans = await traceOf(
        (span) => span.name === 'email claim' && span.attributes['stevedore.email.id'] === second,
        (trace) =>
          ['POST /api/emails', 'enqueue emails', 'process emails'].every((n) => trace.some((s) => s.name === n)),
        `the trace of email ${second}`,
      );
      const enqueue = spans.find((span) => span.name === 'enqueue emails' && span.service === 'stevedore-api');
      expect(spans.find((span) => span.name === 'process emails')).toMatchObject({
        service: 'stevedore-worker',
        parentSpanId: enqueue!.spanId,
      });
      // The hand-off itself was the worker's (its add to BullMQ), in another trace, linked to this one.
      const dispatch = await pollUntil(
        async () =>
          receiver.spans.find(
            (span) => span.name === 'dispatch emails' && span.links.some((link) => link.spanId === enqueue!.spanId),
          ),
        (span) => span !== undefined,
        20000,
        'the dispatch span',
      );
      expect(dispatch!.service).toBe('stevedore-worker');
      expect(dispatch!.traceId).not.toBe(enqueue!.traceId);
    });

    it("a run: the request, the claim, the browser context, each step and the results' storing are one trace", async () => {
      const res = await stack.request('/api/runs', {
        body: {
          name: 'traced',
          baseUrl: site.base,
          steps: [
            { action: 'goto', url: '/' },
            { action: 'expectText', selector: 'h1', text: 'Traced' },
          ],
        },
      });
      expect([res.status, await res.clone().text()]).toEqual([201, expect.any(String)]);
      const { id } = await json(res);
      const ended = await pollUntil(
        async () => json(await stack.request(`/api/runs/${id}`)),
        (run) => ['passed', 'failed', 'error'].includes(run.status),
        40000,
        `run ${id} ended`,
      );
      expect(ended.status).toBe('passed');

      const phases = ['POST /api/runs', 'process test-runs', 'run claim', 'run browser context', 'run store results'];
      const spans = await traceOf(
        (span) => span.name === 'run claim' && span.attributes['stevedore.run.id'] === id,
        (trace) =>
          phases.every((name) => trace.some((span) => span.name === name)) &&
          trace.filter((span) => span.name === 'run step').length === 2,
        `the trace of run ${id}`,
      );
      expect(spans.find((span) => span.name === 'POST /api/runs')?.service).toBe('stevedore-api');
      const steps = spans.filter((span) => span.name === 'run step');
      expect(steps.map((span) => [span.service, span.attributes['stevedore.step.action']])).toEqual([
        ['stevedore-worker', 'goto'],
        ['stevedore-worker', 'expectText'],
      ]);
      // Each step's result row is written inside its step.
      for (const step of steps)
        expect(spans.some((span) => isPg(span) && span.parentSpanId === step.spanId)).toBe(true);
    });

    it('loads the SDK in both processes', async () => {
      await stack.stop();
      expect(sdkFiles(stack).every((count) => typeof count === 'number' && count > 0)).toBe(true);
    });
  });

  describe('with spans held for ten minutes', () => {
    const receiver = new OtlpReceiver();
    const sink = new SmtpSink();
    let stack: Stack;

    beforeAll(async () => {
      await Promise.all([receiver.start(), sink.start()]);
      stack = await new Stack(
        baseEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          MAIL_HOST: '127.0.0.1',
          MAIL_PORT: String(sink.port),
        }),
      ).start();
    });

    afterAll(async () => {
      await stack?.stop();
      await Promise.all([receiver.stop(), sink.stop()]);
    });

    it('a stop sends what is still buffered before the process exits', async () => {
      const res = await stack.request('/api/emails', { body: { to: 'held@example.com', subject: 'Hi', text: 'x' } });
      const { id } = await json(res);
      await pollUntil(
        async () => (await json(await stack.request(`/api/emails/${id}`))).status,
        (status) => status === 'sent',
        20000,
        `email ${id} sent`,
      );
      expect(receiver.requests).toBe(0);
      await stack.stop();
      const claim = receiver.spans.find(
        (span) => span.name === 'email claim' && span.attributes['stevedore.email.id'] === id,
      );
      expect(claim?.service).toBe('stevedore-worker');
      expect(receiver.trace(claim!.traceId).some((span) => span.name === 'POST /api/emails')).toBe(true);
    });
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
    const receiver = new OtlpReceiver();
    let stack: Stack;
    let dir: string;

    beforeAll(async () => {
      await receiver.start();
      // No MAIL_HOST: the email is written as an .eml file here.
      dir = await mkdtemp(join(tmpdir(), 'stevedore-untraced-'));
      stack = await new Stack(
        baseEnv({
          ARTIFACTS_DIR: dir,
          // Where an SDK, had one been loaded, would send (the exporter reads this itself).
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          NODE_OPTIONS: PROBE,
        }),
      ).start();
    });

    afterAll(async () => {
      await stack?.stop();
      await receiver.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('loads no OpenTelemetry SDK and sends nothing', async () => {
      const res = await stack.request('/api/emails', {
        body: { to: 'untraced@example.com', subject: 'Hi', text: 'x' },
      });
      expect(res.status).toBe(202);
      const { id } = await json(res);
      await pollUntil(
        async () => (await json(await stack.request(`/api/emails/${id}`))).status,
        (status) => ['sent', 'failed'].includes(status),
        20000,
        `email ${id} ended`,
      );
      await stack.stop();
      expect(sdkFiles(stack)).toEqual([0, 0]);
      expect(receiver.requests).toBe(0);
    });
  });
});
