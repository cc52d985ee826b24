import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One change to a project's keys, secrets, schedules or settings: who, what, when. Never a value. */
@Entity('audit_events')
@Index('audit_events_project_idx', { synchronize: false })
export class AuditEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ name: 'actor_key_id', type: 'uuid', nullable: true })
  actorKeyId: string | null;

  @Column({ type: 'varchar', length: 120 })
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 255 })
  target: string;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;
}
