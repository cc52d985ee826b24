import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

export const ALERT_CHANNEL_TYPES = ['email', 'webhook', 'slack', 'pagerduty'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

/** Where each channel type sends: an email's recipients, or a URL (and PagerDuty's routing key). */
export type AlertChannelConfig = { to: string[] } | { url: string } | { url: string; routingKey: string };

/** Somewhere a project's incidents are told: stored once, named by any of its schedules' alert rules. */
@Entity('alert_channels')
// Declared here as the migration made them (an expression index TypeORM cannot describe), so migration:generate leaves them alone.
@Check('alert_channels_type_ck', `type IN ('email', 'webhook', 'slack', 'pagerduty')`)
@Index('alert_channels_name_uq', { synchronize: false })
@ProjectListIndex('alert_channels')
export class AlertChannel extends Timestamped {
  @ProjectColumn()
  projectId: string;

  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: AlertChannelType;

  @Column({ type: 'jsonb' })
  config: AlertChannelConfig;
}
