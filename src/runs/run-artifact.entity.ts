import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Run } from './run.entity';

/** A file of a run under ARTIFACTS_DIR/runs/<id>/: a screenshot, the trace or the video. */
@ObjectType('RunArtifact')
@Entity('run_artifacts')
export class RunArtifact {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Field()
  @PrimaryColumn({ type: 'varchar', length: 120 })
  name: string;

  @Field({ description: 'screenshot, trace or video' })
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Field()
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  @Field(() => Int)
  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes: number;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'Where to download it (with the API key)' })
  url: string;

  @ManyToOne('Run', 'artifacts', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'run_artifacts_run_id_fkey' })
  run?: Run;
}
