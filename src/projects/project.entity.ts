import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';

/** A team or customer: its work, keys, secrets and schedules are its own. */
@Entity('projects')
@Index('projects_name_uq', { synchronize: false })
export class Project extends Timestamped {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** Most runs (scrapes, emails) of this project handed to workers at once; null: only the global cap. */
  @Column({ name: 'running_limit', type: 'int', nullable: true })
  runningLimit: number | null;

  /** Most runs of this project waiting at once; null: only QUEUED_CAPACITY. */
  @Column({ name: 'queued_limit', type: 'int', nullable: true })
  queuedLimit: number | null;

  /** Requests per second each of its keys may make; null: the deployment's default. */
  @Column({ name: 'rate_per_second', type: 'int', nullable: true })
  ratePerSecond: number | null;

  /** Requests a key may make at once above the rate; null: the deployment's default. */
  @Column({ name: 'rate_burst', type: 'int', nullable: true })
  rateBurst: number | null;
}
