import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AddressPolicy } from './address-policy';
import { WebhookRejectedError, WebhookRetryableError, WebhookSender } from './webhook-sender';

/** The sender against a real HTTP server on loopback (allowed here by address). */
describe('WebhookSender', () => {
  let server: Server;
  let base: string;
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/ok': (_req, res) => res.writeHead(204).end(),
    '/unavailable': (_req, res) => res.writeHead(503).end('try later'),
    '/moved': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/hang': () => undefined,
  };
  const senders: WebhookSender[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const route = routes[path];
        if (route) route(req, res);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const sender = (over: Partial<ConstructorParameters<typeof WebhookSender>[1]> = {}, allowed = ['127.0.0.1']) => {
    const created = new WebhookSender(new AddressPolicy(allowed), {
      userAgent: 'Stevedore-Test/1.0',
      timeoutMs: 2_000,
      ...over,
    });
    senders.push(created);
    return created;
  };

  it('posts the JSON body with the event, delivery id and a signature of the exact body', async () => {
    const payload = { suiteId: 's1', status: 'passed', counts: { passed: 3, failed: 0 } };
    const result = await sender({ secret: 'shh' }).post(`${base}/ok`, 'suite.finished', payload, 'delivery-1');
    expect(result).toEqual({ statusCode: 204, durationMs: expect.any(Number) });
    const hit = received.find((r) => r.path === '/ok')!;
    expect(JSON.parse(hit.body)).toEqual(payload);
    expect(hit.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Stevedore-Test/1.0',
      'x-stevedore-event': 'suite.finished',
      'x-stevedore-delivery': 'delivery-1',
      'x-stevedore-signature': `sha256=${createHmac('sha256', 'shh').update(hit.body).digest('hex')}`,
    });
  });

  it('does not sign without a secret', async () => {
    received.length = 0;
    await sender().post(`${base}/ok`, 'suite.finished', { a: 1 }, 'delivery-1');
    expect(received[0].headers['x-stevedore-signature']).toBeUndefined();
  });

  it('makes 5xx retryable', async () => {
    const pending = sender().post(`${base}/unavailable`, 'suite.finished', {}, 'delivery-1');
    await expect(pending).rejects.toThrow(WebhookRetryableError);
    await expect(pending).rejects.toThrow('webhook answered HTTP 503');
  });

  it('rejects 4xx for good', async () => {
    const pending = sender().post(`${base}/missing`, 'suite.finished', {}, 'delivery-1');
    await expect(pending).rejects.toThrow(WebhookRejectedError);
    await expect(pending).rejects.toThrow('webhook answered HTTP 404');
  });

  it('refuses a redirect instead of following it', async () => {
    received.length = 0;
    const pending = sender().post(`${base}/moved`, 'suite.finished', {}, 'delivery-1');
    await expect(pending).rejects.toThrow(WebhookRejectedError);
    await expect(pending).rejects.toThrow('webhook redirected (HTTP 302): redirects are not followed');
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('refuses a private address the policy does not allow, before connecting', async () => {
    received.length = 0;
    const pending = sender({}, []).post(`${base}/ok`, 'suite.finished', {}, 'delivery-1');
    await expect(pending).rejects.toThrow(WebhookRejectedError);
    await expect(pending).rejects.toThrow(
      /^webhook refused by the egress guard: 127\.0\.0\.1 is not a public address \(loopback/,
    );
    expect(received).toHaveLength(0);
  });

  it('rejects a URL that is not http(s)', async () => {
    await expect(sender().post('ftp://example.com/hook', 'suite.finished', {}, 'delivery-1')).rejects.toThrow(
      WebhookRejectedError,
    );
  });

  it('times out a webhook that never answers, as retryable', async () => {
    const t0 = Date.now();
    const pending = sender({ timeoutMs: 300 }).post(`${base}/hang`, 'suite.finished', {}, 'delivery-1');
    await expect(pending).rejects.toThrow(WebhookRetryableError);
    await expect(pending).rejects.toThrow('webhook timed out after 300 ms');
    expect(Date.now() - t0).toBeLessThan(1_500);
  });
});
