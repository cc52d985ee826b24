import { ProjectId } from '../auth/principal.decorator';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { SendEmailInput } from './dto/send-email.input';
import { type SendEmailRequest, sendEmailRequestSchema } from './email-request.schema';
import { Email } from './email.entity';
import { EmailsService } from './emails.service';

@Resolver(() => Email)
export class EmailsResolver {
  constructor(private readonly emails: EmailsService) {}

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
    return (await this.emails.send(input, projectId, idempotencyKey ?? undefined)).email;
  }

  @Query(() => Email, { description: 'An email by id' })
  email(
    @Args('id', { type: () => ID, description: "The email's id" }, new ParseUUIDPipe()) id: string,
    @ProjectId() projectId: string,
  ): Promise<Email> {
    return this.emails.get(id, projectId);
  }
}
