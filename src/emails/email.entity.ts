import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONObjectScalar } from '../graphql/json-object.scalar';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

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
export class Email {
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

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
