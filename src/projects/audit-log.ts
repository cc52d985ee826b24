import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from './principal';

/** What the audit log records. Values (a secret's, a key's) are never part of an event. */
export type AuditAction =
  | 'project.created'
  | 'project.updated'
  | 'key.created'
  | 'key.revoked'
  | 'secret.stored'
  | 'secret.replaced'
  | 'secret.deleted'
  | 'schedule.created'
  | 'schedule.updated'
  | 'schedule.deleted'
  | 'schedule.paused'
  | 'schedule.resumed'
  | 'schedule.muted'
  | 'schedule.unmuted'
  | 'alert_channel.created'
  | 'alert_channel.deleted';

/**
 * Writes a project's audit events. Pass the transaction that makes the change, so the
 * change and its record are stored together or not at all.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(
    actor: Principal,
    action: AuditAction,
    target: string,
    details: Record<string, unknown> = {},
    manager: EntityManager = this.dataSource.manager,
    projectId: string = actor.projectId,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (id, project_id, actor_key_id, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), projectId, actor.keyId, actor.actor, action, target.slice(0, 255), details],
    );
  }
}
