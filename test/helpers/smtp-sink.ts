import { SMTPServer, SMTPServerAddress } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

type Rule = (recipient: string, attempt: number) => { code: number; message: string } | undefined;

export interface SmtpSinkOptions {
  /** Offer STARTTLS with this key and certificate (PEM); without it the sink has no TLS at all. */
  starttls?: { key: string; cert: string };
  /** Require AUTH with these credentials; the sink, like a careless server, also takes them in the clear. */
  credentials?: { user: string; pass: string };
  /** Wait this long after each message before answering it (a slow server; the benchmarks' I/O-bound mail). */
  replyDelayMs?: number;
}

export interface SmtpAuth {
  username: string;
  /** Whether the session was encrypted when the credentials arrived. */
  secure: boolean;
}

/**
 * A real SMTP server in the test process. Rules decide, per recipient, whether to answer
 * with an error (and which), counting attempts per recipient.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  readonly auths: SmtpAuth[] = [];
  /** Recipients of messages taken whole and never answered (stalled). */
  readonly unanswered: string[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly rules: Rule[] = [];
  private readonly stalls: Array<(recipient: string, attempt: number) => boolean> = [];
  private readonly holds: Array<{ rule: (recipient: string) => boolean; release: Promise<void> }> = [];
  private server?: SMTPServer;
  port = 0;

  constructor(private readonly options: SmtpSinkOptions = {}) {}

  /**
   * Takes the whole message, then holds its reply until `release` settles: the message is
   * recorded as received (as a real server commits it) only when the 250 is sent.
   */
  hold(rule: (recipient: string) => boolean, release: Promise<void>): void {
    this.holds.push({ rule, release });
  }

  reject(rule: Rule): void {
    this.rules.push(rule);
  }

  /** Takes the message and then never answers: a server that hangs mid-transaction. */
  stall(rule: (recipient: string, attempt: number) => boolean): void {
    this.stalls.push(rule);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const { starttls, credentials } = this.options;
    this.server = new SMTPServer({
      authOptional: !credentials,
      allowInsecureAuth: true,
      ...(starttls ? { key: starttls.key, cert: starttls.cert } : {}),
      disabledCommands: starttls ? [] : ['STARTTLS'],
      logger: false,
      onAuth: (auth, session, callback) => {
        this.auths.push({ username: auth.username ?? '', secure: session.secure });
        if (credentials && auth.username === credentials.user && auth.password === credentials.pass)
          return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const n = (this.attempts.get(address.address) ?? 0) + 1;
        this.attempts.set(address.address, n);
        for (const rule of this.rules) {
          const verdict = rule(address.address, n);
          if (verdict) return callback(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          const hang = session.envelope.rcptTo.some((r) =>
            this.stalls.some((stall) => stall(r.address, this.attempts.get(r.address) ?? 0)),
          );
          if (hang) return void this.unanswered.push(...session.envelope.rcptTo.map((r) => r.address));
          const accept = () => {
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
            });
            callback();
          };
          const held = this.holds.find((h) => session.envelope.rcptTo.some((r) => h.rule(r.address)));
          const delay = this.options.replyDelayMs;
          if (held) void held.release.then(accept);
          else if (delay) setTimeout(accept, delay);
          else accept();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
