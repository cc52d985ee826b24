import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { SendEmailInput } from './dto/send-email.input';
import { Email } from './email.entity';
import { EmailsService } from './emails.service';

@Resolver(() => Email)
export class EmailsResolver {
  constructor(private readonly emails: EmailsService) {}

  @Mutation(() => Email, { description: 'Queue an email from a template or raw content' })
  async sendEmail(
    @Args('input') input: SendEmailInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<Email> {
    return (await this.emails.send(input, idempotencyKey ?? undefined)).email;
  }

  @Query(() => Email)
  email(@Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<Email> {
    return this.emails.get(id);
  }
}
