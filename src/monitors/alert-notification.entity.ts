import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Incident } from './incident.entity';
import { Timestamped } from '../database/timestamped';
import { ProjectColumn } from '../projects/project-column';

export type NotificationEvent = 'opened' | 'resolved';
export type NotificationStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'muted';

/**
 * One incident state change told to one channel. (incident, channel, event) is unique: it
 * is the idempotency key, so a change is stored once whoever judges the run, and its id
 * (also its job id) is what receivers can drop a repeat by.
 */
@Entity('alert_notifications')
@Index('alert_notifications_once_uq', { synchronize: false })
@Index('alert_notifications_incident_idx', { synchronize: false })
@Index('alert_notifications_pending_idx', { synchronize: false })
@Check('alert_notifications_event_ck', `event IN ('opened', 'resolved')`)
@Check('alert_notifications_status_ck', `status IN ('pending', 'sending', 'delivered', 'failed', 'muted')`)
export class AlertNotification extends Timestamped {
  @ProjectColumn()
  projectId: string;

  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'alert_notifications_incident_id_fkey' })
  incident?: Incident;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ type: 'varchar', length: 16 })
  event: NotificationEvent;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: NotificationStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
