import { Field, InputType } from '@nestjs/graphql';
import { JSONObjectScalar } from '../../graphql/json-object.scalar';

/**
 * GraphQL's shape of sendEmailRequestSchema (email-request.schema.ts), which checks it:
 * GraphQL needs a class for its input type. graphql/request-shapes.spec.ts keeps the fields the same.
 */
@InputType('SendEmailInput', {
  description: 'An email to send: a template with variables, or a subject with text and/or html',
})
export class SendEmailInput {
  @Field(() => [String], { description: 'Each an address, "Name <address>", or a comma-separated list of those' })
  to: string[];

  @Field(() => String, { nullable: true, description: "A template's name, instead of subject, text and html" })
  template?: string;

  @Field(() => JSONObjectScalar, { nullable: true, description: "The template's variables" })
  variables?: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'The subject line (without a template)' })
  subject?: string;

  @Field(() => String, { nullable: true, description: 'The plain-text body (without a template)' })
  text?: string;

  @Field(() => String, { nullable: true, description: 'The HTML body (without a template)' })
  html?: string;
}
