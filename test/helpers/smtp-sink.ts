import { SMTPServer, SMTPServerAddress } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

type Rule = (recipient: string, attempt: number) => { code: number; message: string } | undefined;

/**
 * A real SMTP server in the test process. Rules decide, per recipient, whether to answer
 * with an error (and which), counting attempts per recipient.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly rules: Rule[] = [];
  private readonly stalls: Array<(recipient: string, attempt: number) => boolean> = [];
  private server?: SMTPServer;
  port = 0;

  reject(rule: Rule): void {
    this.rules.push(rule);
  }

  /** Takes the message and then never answers: a server that hangs mid-transaction. */
  stall(rule: (recipient: string, attempt: number) => boolean): void {
    this.stalls.push(rule);
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
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
          const hang = session.envelope.rcptTo.some((r) => this.stalls.some((stall) => stall(r.address, this.attempts.get(r.address) ?? 0)));
          if (hang) return;
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          callback();
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
