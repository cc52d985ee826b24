import { AppProcess } from './helpers/app-process';
import { freePort } from './helpers/free-port';
import { json } from './helpers/json';
import { baseEnv, TEST_API_KEY } from './helpers/test-env';

const run = { name: 'home page', steps: [{ action: 'goto', url: 'http://127.0.0.1:9/' }] };

/**
 * What a schedule body may say, against a real API with the default settings (a minimum
 * interval of 60 s): patterns that never fire, lie about their step or fire too often are
 * refused, and one answer lists every problem of a body. No worker: nothing here is run.
 */
describe('schedule requests', () => {
  let api: AppProcess;
  let base = '';
  const post = async (body: unknown) => {
    const res = await fetch(`${base}/api/schedules`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };

  beforeAll(async () => {
    const port = await freePort();
    // The run's URL is on loopback (no DNS in tests): allowed here as in the other e2e files.
    api = new AppProcess({ env: { ...baseEnv({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }), APP_PORT: String(port) } });
    base = `http://127.0.0.1:${port}`;
    await api.waitHealthy(`${base}/api/health`);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    [
      'a step no field can take',
      '*/99999999999 * * * *',
      "cron's minute field steps by 99999999999: a step must be from 1 to 60",
    ],
    ['February 30', '0 0 30 2 *', 'cron never fires: no date matches it'],
    ['April 31 or February 31', '0 0 31 2,4 *', 'cron never fires: no month it names has day 31'],
    ['every second', '* * * * * *', 'cron fires 1 s apart'],
    ['every 30 seconds', '*/30 * * * * *', 'cron fires 30 s apart'],
    ['a pair of ticks a second apart, once a year', '0,1 0 0 1 1 *', 'cron fires 1 s apart'],
  ])('refuses %s with a 400 naming cron', async (_what, cron, message) => {
    const { status, body } = await post({ name: 'x', cron, run });
    expect([status, body.message]).toEqual([400, [expect.stringContaining(message)]]);
  });

  it('accepts a pattern at the minimum interval, with its next tick', async () => {
    const { status, body } = await post({ name: 'every minute', cron: '* * * * *', run });
    expect([status, body.cron]).toEqual([201, '* * * * *']);
    expect(new Date(body.nextTickAt as string).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(
      (
        await fetch(`${base}/api/schedules/${body.id as string}`, {
          method: 'DELETE',
          headers: { 'x-api-key': TEST_API_KEY },
        })
      ).status,
    ).toBe(204);
  });

  it("names every problem of a body at once: the schedule's own fields and its run's", async () => {
    const { status, body } = await post({
      name: '',
      cron: '*/30 * * * * *',
      run: { name: 'r', steps: [{ action: 'teleport' }] },
    });
    expect(status).toBe(400);
    expect(body.message).toEqual([
      'name must be a non-empty string of at most 200 characters',
      expect.stringContaining('cron fires 30 s apart'),
      expect.stringContaining('run.steps[0].action must be one of'),
    ]);
  });

  it("names every problem of a body at once: the schedule's, its suite's and its suite's tests'", async () => {
    const { status, body } = await post({
      name: 'x',
      cron: '0 0 30 2 *',
      suite: { name: '', tests: [run, { name: 't', steps: [{ action: 'teleport' }] }] },
    });
    expect(status).toBe(400);
    expect(body.message).toEqual([
      expect.stringContaining('cron never fires'),
      'suite.name is required (a non-empty string)',
      expect.stringContaining('suite.tests[1].steps[0].action must be one of'),
    ]);
  });
});
