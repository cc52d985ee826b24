import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { JSONObjectScalar } from '../../graphql/json-object.scalar';
import { IsRecipientList } from './is-recipient-list';

export const MAX_RECIPIENTS = 50;
export const MAX_BODY_CHARS = 512 * 1024;

/**
 * An email from a template (`template` + `variables`) or raw (`subject` + `text` and/or
 * `html`). The choice between the two is checked by EmailsService, which names the field.
 */
@InputType('SendEmailInput', {
  description: 'An email to send: a template with variables, or a subject with text and/or html',
})
export class SendEmailInput {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: `Up to ${MAX_RECIPIENTS} recipients: each an address, "Name <address>", or a comma-separated list of those (quote a name that holds a comma)`,
    example: ['qa@example.com', 'Ada Lovelace <ada@example.com>'],
  })
  @Field(() => [String], { description: 'Each an address, "Name <address>", or a comma-separated list of those' })
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsRecipientList(MAX_RECIPIENTS)
  to: string[];

  @ApiPropertyOptional({ example: 'welcome' })
  @Field(() => String, { nullable: true, description: "A template's name, instead of subject, text and html" })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]+$/, { message: 'template must be a template name (lowercase letters, digits, -)' })
  @MaxLength(100)
  template?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { name: 'Ada' } })
  @Field(() => JSONObjectScalar, { nullable: true, description: "The template's variables" })
  @IsOptional()
  @IsObject({ message: 'variables must be an object' })
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Release 1.4 is out' })
  @Field(() => String, { nullable: true, description: 'The subject line (without a template)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(998, { message: 'subject must be at most 998 characters' })
  subject?: string;

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true, description: 'The plain-text body (without a template)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY_CHARS, { message: `text must be at most ${MAX_BODY_CHARS} characters` })
  text?: string;

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true, description: 'The HTML body (without a template)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BODY_CHARS, { message: `html must be at most ${MAX_BODY_CHARS} characters` })
  html?: string;
}
