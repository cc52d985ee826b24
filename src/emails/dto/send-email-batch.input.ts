import { Field, InputType } from '@nestjs/graphql';
import { SendEmailInput } from './send-email.input';

/** GraphQL's shape of batchEmailSchema (email-request.schema.ts): an email with its idempotency key. */
@InputType('BatchEmailInput', { description: 'An email of a batch: as SendEmailInput, with its idempotency key' })
export class BatchEmailInput extends SendEmailInput {
  @Field(() => String, {
    nullable: true,
    description: 'A repeat of this key in the project gives back the email it first made',
  })
  idempotencyKey?: string;
}

/** GraphQL's shape of sendEmailBatchRequestSchema: the body of POST /api/emails/batch. */
@InputType('SendEmailBatchInput', { description: 'Emails to queue all together or not at all' })
export class SendEmailBatchInput {
  @Field(() => [BatchEmailInput], { description: '1 to 500 emails' })
  emails: BatchEmailInput[];
}
