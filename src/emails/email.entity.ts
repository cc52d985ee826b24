import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import type { User } from '../users/user.entity';

export enum EmailStatus {
  queued = 'queued',
  sending = 'sending',
  sent = 'sent',
  failed = 'failed',
}
registerEnumType(EmailStatus, { name: 'EmailStatus' });

/**
 * One email and its delivery. The content is rendered when the email is accepted, so what
 * is stored is exactly what is sent; the worker owns every state change after `queued`.
 */
@ObjectType('Email')
@Entity('emails')
// Declared here as the migration made them, so migration:generate leaves them alone.
@Check('emails_status_ck', `status IN ('queued', 'sending', 'sent', 'failed')`)
@Index('emails_idempotency_key_uq', { synchronize: false })
@Index('emails_status_created_idx', { synchronize: false })
@Index('emails_user_idx', { synchronize: false })
export class Email extends Timestamped {
  /** Also the BullMQ job id. */
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => [String])
  @Column({ name: 'to', type: 'text', array: true })
  to: string[];

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  template: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Variables given to the template' })
  @Column({ type: 'jsonb', nullable: true })
  variables: object | null;

  @Field()
  @Column({ type: 'text' })
  subject: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Field(() => EmailStatus)
  @Column({ type: 'varchar', length: 16, default: EmailStatus.queued })
  status: EmailStatus;

  @Field(() => String, { nullable: true, description: 'The Message-ID header (deterministic per email)' })
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Field(() => Int)
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => String, { nullable: true })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne('User', { onDelete: 'SET NULL', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'emails_user_id_fkey' })
  user?: User;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
