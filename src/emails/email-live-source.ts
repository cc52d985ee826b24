import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveEventHub } from '../events/live-event-hub';
import type { LiveSource, LiveUpdate, QueueSignal } from '../events/live-update';
import { EMAIL_JOB } from './email-job';
import { EmailStatus } from './email.entity';
import { EmailsService } from './emails.service';

const FINAL: readonly EmailStatus[] = [EmailStatus.sent, EmailStatus.failed];

/** Emails, live (socket.io `{ emailId }`): each move of the job sends the email's row as `email.updated`. */
@Injectable()
export class EmailLiveSource implements LiveSource, OnModuleInit {
  readonly kind = 'email' as const;
  readonly queue = EMAIL_JOB.queue;

  constructor(
    private readonly emails: EmailsService,
    private readonly hub: LiveEventHub,
  ) {}

  onModuleInit(): void {
    this.hub.register(this);
  }

  /** With a subscriber's project, another project's email is not found; without one (translate), any. */
  async snapshot(id: string, projectId?: string): Promise<LiveUpdate> {
    const email = await this.emails.get(id, projectId);
    return {
      event: 'email.updated',
      payload: email as unknown as Record<string, unknown>,
      key: `status:${email.attempts}:${email.status}`,
      final: FINAL.includes(email.status),
    };
  }

  async translate(id: string, signal: QueueSignal): Promise<LiveUpdate[]> {
    return signal.type === 'progress' ? [] : [await this.snapshot(id)];
  }
}
