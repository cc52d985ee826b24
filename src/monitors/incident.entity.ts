import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { ProjectColumn } from '../projects/project-column';

export type IncidentKind = 'failing' | 'degraded';
/** open → (recovering: passing, the cool-down not over) → resolved; a failure while recovering goes back to open. */
export type IncidentState = 'open' | 'recovering' | 'resolved';

/** One outage of a schedule's check (or one slow spell, `degraded`), from the run that opened it to the one that resolved it. */
@Entity('incidents')
@Index('incidents_schedule_idx', { synchronize: false })
@Index('incidents_in_force_uq', { synchronize: false })
@Index('incidents_due_idx', { synchronize: false })
@Check('incidents_kind_ck', `kind IN ('failing', 'degraded')`)
@Check('incidents_state_ck', `state IN ('open', 'recovering', 'resolved')`)
export class Incident extends Timestamped {
  @ProjectColumn()
  projectId: string;

  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'schedule_id', type: 'uuid' })
  scheduleId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: IncidentKind;

  @Column({ type: 'varchar', length: 16 })
  state: IncidentState;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  /** While recovering: when the recovery is announced if no failure comes first. */
  @Column({ name: 'resolve_due_at', type: 'timestamptz', nullable: true })
  resolveDueAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** The runs (or suites) it was judged on, in order: those that opened it, kept it, and resolved it. */
  @Column({ name: 'run_ids', type: 'uuid', array: true, default: () => `'{}'` })
  runIds: string[];

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
