import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as it arrived, flattened: its process's service.name beside it, attributes as a plain object. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's numbers: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  /** The spans it links to (not its parent): a hand-off of work from other traces. */
  links: Array<{ traceId: string; spanId: string }>;
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

interface OtlpJson {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<
        Omit<ReceivedSpan, 'service' | 'attributes' | 'links'> & {
          attributes?: OtlpAttribute[];
          links?: Array<{ traceId: string; spanId: string }>;
        }
      >;
    }>;
  }>;
}

/** An OTLP AnyValue's value (string, int, bool, double), as JSON gives it. */
const valueOf = (value: Record<string, unknown>) => Object.values(value)[0];
const attributes = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/**
 * A collector's OTLP/HTTP trace endpoint in the test process: takes POST /v1/traces with
 * JSON bodies (what @opentelemetry/exporter-trace-otlp-http sends), keeps every span, and
 * counts every request whatever its path or body, so a test can say none came.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  requests = 0;
  private server?: Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests++;
      void read(req).then((body) => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') return res.writeHead(404).end();
        try {
          this.take(JSON.parse(body) as OtlpJson);
        } catch {
          return res.writeHead(400).end();
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  private take(body: OtlpJson): void {
    for (const resource of body.resourceSpans ?? []) {
      const service = String(attributes(resource.resource?.attributes)['service.name']);
      for (const scope of resource.scopeSpans ?? [])
        for (const span of scope.spans ?? [])
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: attributes(span.attributes),
            links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
          });
    }
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      resolve((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    });
  });
}
