import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Timestamped } from '../database/timestamped';
import { ProjectColumn, ProjectListIndex } from '../projects/project-column';

export enum EmailStatus {
  queued = 'queued',
  sending = 'sending',
  sent = 'sent',
  failed = 'failed',
}
registerEnumType(EmailStatus, {
  name: 'EmailStatus',
  description: 'Where an email is',
  valuesMap: {
    queued: { description: 'Waiting for a worker' },
    sending: { description: 'A worker is sending it' },
    sent: { description: 'The mail server accepted it' },
    failed: { description: 'Every attempt failed (see lastError)' },
  },
});

/**
 * One email and its delivery. The content is rendered when the email is accepted, so what
 * is stored is exactly what is sent; the worker owns every state change after `queued`.
 */
@ObjectType('Email', { description: 'An email queued to be sent' })
@Entity('emails')
// Declared here as the migration made them, so migration:generate leaves them alone.
@Check('emails_status_ck', `status IN ('queued', 'sending', 'sent', 'failed')`)
@Index('emails_idempotency_key_uq', { synchronize: false })
@Index('emails_status_created_idx', { synchronize: false })
@Index('emails_user_idx', { synchronize: false })
@ProjectListIndex('emails')
export class Email extends Timestamped {
  /** The project it belongs to. */
  @ProjectColumn()
  projectId: string;

  /** Also the BullMQ job id. */
  @Field(() => ID, { description: "The email's id" })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => [String], { description: 'The recipients' })
  @Column({ name: 'to', type: 'text', array: true })
  to: string[];

  @Field(() => String, { nullable: true, description: 'The template it was made from, if any' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  template: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Variables given to the template' })
  @Column({ type: 'jsonb', nullable: true })
  variables: object | null;

  @Field({ description: 'The subject line' })
  @Column({ type: 'text' })
  subject: string;

  @Field(() => String, { nullable: true, description: 'The plain-text body' })
  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Field(() => String, { nullable: true, description: 'The HTML body' })
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Field(() => EmailStatus, { description: 'Where it is' })
  @Column({ type: 'varchar', length: 16, default: EmailStatus.queued })
  status: EmailStatus;

  @Field(() => String, { nullable: true, description: 'The Message-ID header (deterministic per email)' })
  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Field(() => Int, { description: 'How many times a worker tried to send it' })
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => String, { nullable: true, description: "The last failed attempt's error" })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  @Field(() => ID, { nullable: true, description: 'The user it was sent for (a welcome email)' })
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  // The key its migration made, named by entity so that emails need no relation to (nor import of) users.
  @ForeignKey('User', { name: 'emails_user_id_fkey', onDelete: 'SET NULL' })
  userId: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the mail server accepted it' })
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
