import { ProjectId } from '../auth/principal.decorator';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { pageModel } from '../graphql/page-model';
import { ParseUUIDPipe } from '@nestjs/common';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { SendEmailBatchInput } from './dto/send-email-batch.input';
import { SendEmailInput } from './dto/send-email.input';
import {
  type SendEmailBatchRequest,
  sendEmailBatchRequestSchema,
  type SendEmailRequest,
  sendEmailRequestSchema,
} from './email-request.schema';
import { Email } from './email.entity';
import { EmailsService } from './emails.service';

const EmailPageModel = pageModel(
  Email,
  'EmailPage',
  "One page of the project's emails, newest first",
  'The emails on this page',
);

@Resolver(() => Email)
export class EmailsResolver {
  constructor(private readonly service: EmailsService) {}

  @Mutation(() => Email, { description: 'Queue an email from a template or raw content' })
  async sendEmail(
    @Args(
      'input',
      { type: () => SendEmailInput, description: 'The email, as the body of POST /api/emails' },
      new ZodValidationPipe(sendEmailRequestSchema),
    )
    input: SendEmailRequest,
    @Args('idempotencyKey', {
      type: () => String,
      nullable: true,
      description: 'The same key within 24 hours in the same project gives back the same email instead of a second one',
    })
    idempotencyKey: string | undefined,
    @ProjectId() projectId: string,
  ): Promise<Email> {
    return (await this.service.send(input, projectId, idempotencyKey ?? undefined)).email;
  }

  @Mutation(() => [Email], {
    description:
      'Queue up to 500 emails all together or not at all (as POST /api/emails/batch), each in the order given',
  })
  async sendEmails(
    @Args(
      'input',
      { type: () => SendEmailBatchInput, description: 'The emails, as the body of POST /api/emails/batch' },
      new ZodValidationPipe(sendEmailBatchRequestSchema),
    )
    input: SendEmailBatchRequest,
    @ProjectId() projectId: string,
  ): Promise<Email[]> {
    return (await this.service.sendBatch(input, projectId)).map((outcome) => outcome.email);
  }

  @Query(() => EmailPageModel, { description: "The project's emails, newest first" })
  emails(
    @ProjectId() projectId: string,
    @Args('limit', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20)' })
    limit?: number,
    @Args('cursor', { type: () => String, nullable: true, description: 'nextCursor of the previous page' })
    cursor?: string,
  ) {
    return this.service.list(projectId, { limit: limit ?? undefined, cursor: cursor ?? undefined });
  }

  @Query(() => Email, { description: 'An email by id' })
  email(
    @Args('id', { type: () => ID, description: "The email's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<Email> {
    return this.service.get(id, projectId);
  }
}
