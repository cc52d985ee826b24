import { json } from './helpers/json';
import { pollUntil } from './helpers/poll';
import { SmtpSink } from './helpers/smtp-sink';
import { Stack } from './helpers/stack';
import { baseEnv } from './helpers/test-env';

/** Jobs that fail for good become dead letters; a replay puts them back and they finish. */
describe('dead letters', () => {
  const sink = new SmtpSink();
  let stack: Stack;
  let mailboxOpen = false;

  const email = async (id: string) => json(await stack.request(`/api/emails/${id}`));
  const send = async (to: string) =>
    (await json(await stack.request('/api/emails', { body: { to, subject: 'Dead or alive', text: 'x' } })))
      .id as string;
  const letterFor = async (jobId: string) => {
    const page = await json(await stack.request('/api/dead-letters?queue=emails&limit=100'));
    return (page.items as Array<Record<string, unknown>>).find((l) => l.jobId === jobId);
  };

  beforeAll(async () => {
    // A mailbox that does not exist (550) until the test "creates" it.
    sink.reject((rcpt) =>
      rcpt.startsWith('later-') && !mailboxOpen ? { code: 550, message: '5.1.1 No such user here (yet)' } : undefined,
    );
    await sink.start();
    stack = await new Stack(baseEnv({ MAIL_HOST: '127.0.0.1', MAIL_PORT: String(sink.port) })).start();
  });

  afterAll(async () => {
    await stack?.stop();
    await sink.stop();
  });

  it('keeps a job that failed for good, replays it once over REST, and it finishes', async () => {
    const id = await send(`later-${Date.now()}@example.com`);
    await pollUntil(
      () => email(id),
      (e) => e.status === 'failed',
      15000,
      'email failed',
    );
    const letter = await pollUntil(
      () => letterFor(id),
      (l) => l !== undefined,
      10000,
      'dead letter kept',
    );
    expect(letter).toMatchObject({
      queue: 'emails',
      jobName: 'send',
      data: { emailId: id },
      attempts: 1,
      replayedAt: null,
      error: expect.stringContaining('550'),
    });

    mailboxOpen = true;
    const replayed = await stack.request(`/api/dead-letters/${letter!.id}/replay`, { method: 'POST' });
    expect(replayed.status).toBe(200);
    expect((await json(replayed)).replayedAt).toEqual(expect.any(String));
    const sent = await pollUntil(
      () => email(id),
      (e) => e.status === 'sent' || e.status === 'failed',
      15000,
      'replayed email ended',
    );
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.received.filter((m) => m.to.includes(sent.to[0] as string))).toHaveLength(1);

    const again = await stack.request(`/api/dead-letters/${letter!.id}/replay`, { method: 'POST' });
    expect([again.status, (await json(again)).message]).toEqual([
      409,
      `Dead letter ${letter!.id} was already replayed`,
    ]);
    const open = await json(await stack.request('/api/dead-letters?open=true&limit=100'));
    expect((open.items as Array<{ id: string }>).map((l) => l.id)).not.toContain(letter!.id);
    mailboxOpen = false;
  });

  it('replays from GraphQL, and answers 404 / 400 on unknown and malformed ids', async () => {
    const id = await send(`later-gql-${Date.now()}@example.com`);
    const letter = await pollUntil(
      () => letterFor(id),
      (l) => l !== undefined,
      15000,
      'dead letter kept',
    );
    mailboxOpen = true;
    const res = await stack.graphql(`mutation ($id: ID!) { replayDeadLetter(id: $id) { id jobId replayedAt } }`, {
      id: letter!.id,
    });
    expect(res.data.replayDeadLetter).toMatchObject({ id: letter!.id, jobId: id, replayedAt: expect.any(String) });
    await pollUntil(
      () => email(id),
      (e) => e.status === 'sent',
      15000,
      'replayed email sent',
    );
    const list = await stack.graphql(
      `{ deadLetters(queue: "emails", limit: 5) { items { id queue jobId replayedAt } nextCursor } }`,
    );
    expect(list.data.deadLetters.items.length).toBeGreaterThanOrEqual(2);

    expect(
      (await stack.request('/api/dead-letters/8f14e45f-ceea-4a7e-9e1f-6f5a4c2b1d00/replay', { method: 'POST' })).status,
    ).toBe(404);
    expect((await stack.request('/api/dead-letters/nope/replay', { method: 'POST' })).status).toBe(400);
    expect((await stack.request('/api/dead-letters?queue=nope')).status).toBe(400);
  });

  it('shows those jobs in the Prometheus metrics of both processes: counters, durations and queue states', async () => {
    // `name{a="1",b="2"}`: the sample with those labels, in whatever order the exporter writes them.
    const metric = (text: string, series: string) => {
      const [, name, wanted] = /^([^{]+)\{(.*)\}$/.exec(series)!;
      const want = wanted.split(',');
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith(`${name}{`) && want.every((w) => l.slice(name.length, l.lastIndexOf('}') + 1).includes(w)),
        );
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    const worker = await (await fetch(`${stack.workerBase}/metrics`)).text();
    const api = await (await fetch(`${stack.base}/metrics`)).text();
    // Two emails failed for good, then both were replayed and sent.
    expect(metric(worker, 'stevedore_jobs_finished_total{queue="emails",outcome="failed",role="worker"}')).toBe(2);
    expect(metric(worker, 'stevedore_jobs_finished_total{queue="emails",outcome="completed",role="worker"}')).toBe(2);
    expect(
      metric(worker, 'stevedore_job_duration_seconds_count{queue="emails",outcome="completed",role="worker"}'),
    ).toBe(2);
    expect(worker).toMatch(/^stevedore_process_resident_memory_bytes\{role="worker"\} \d+/m);
    expect(metric(api, 'stevedore_queue_jobs{queue="emails",state="completed",role="api"}')).toBe(2);
    expect(metric(api, 'stevedore_queue_jobs{queue="emails",state="failed",role="api"}')).toBe(0);
  });
});
