import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Run } from './run.entity';

/** A file of a run (ARTIFACTS_DIR/runs/<id>/, or object storage): a screenshot, the trace or the video. */
@ObjectType('RunArtifact', { description: 'A file a run kept: a screenshot, a trace or a video' })
@Entity('run_artifacts')
// The artifact sweep asks whether any row still names a content object before deleting it.
@Index('run_artifacts_sha256_idx', { synchronize: false })
export class RunArtifact {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Field({ description: 'Its file name' })
  @PrimaryColumn({ type: 'varchar', length: 120 })
  name: string;

  @Field({ description: 'screenshot, trace or video' })
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Field({ description: 'Its media type' })
  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType: string;

  @Field(() => Int, { description: 'Its size in bytes' })
  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes: number;

  /** Its content's SHA-256 (hex); NULL for files stored before it was kept. */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  /** Its key in the artifact store; NULL: `runs/<run id>/<name>` (see run-files.ts). */
  @Column({ name: 'object_key', type: 'varchar', length: 200, nullable: true })
  objectKey: string | null;

  @Field({ description: 'When it was stored' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'Where to download it (with the API key)' })
  url: string;

  @ManyToOne('Run', 'artifacts', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'run_artifacts_run_id_fkey' })
  run?: Run;
}
