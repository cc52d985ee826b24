import { ProjectId } from '../auth/principal.decorator';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiError, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { EMAIL_EXAMPLES } from '../docs/request-examples';
import { emailAcceptedBody, emailBody, emailPageBody } from './email-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import { type SendEmailRequest, sendEmailRequestSchema } from './email-request.schema';
import { EmailsService } from './emails.service';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const SEND_EMAIL_INPUT = requestBody('SendEmailInput', () => sendEmailRequestSchema);

@ApiTags('emails')
@Controller('emails')
export class EmailsController {
  constructor(private readonly emails: EmailsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      "A repeat with the same key in the same project returns the first email instead of sending again (another project's keys are its own)",
  })
  @ApiJson(
    202,
    emailAcceptedBody,
    '{ id, status }: queued for delivery (or, for a repeated Idempotency-Key, the first email)',
  )
  @ApiError(400, 'What is wrong, by field: recipients, template, variables, sizes')
  @ApiRequestBody(SEND_EMAIL_INPUT, EMAIL_EXAMPLES)
  async send(
    @Body(new ZodValidationPipe(sendEmailRequestSchema)) input: SendEmailRequest,
    @ProjectId() projectId: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<z.output<typeof emailAcceptedBody>> {
    const { email } = await this.emails.send(input, projectId, idempotencyKey);
    return { id: email.id, status: email.status };
  }

  @Get()
  @ApiJson(200, emailPageBody, "{ items, nextCursor }: the project's emails, newest first")
  @ApiQueryFrom(cursorPageQuerySchema)
  list(
    @Query(new ZodValidationPipe(cursorPageQuerySchema)) query: z.output<typeof cursorPageQuerySchema>,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof emailPageBody>> {
    return this.emails.list(projectId, query);
  }

  @Get(':id')
  @ApiJson(200, emailBody, 'The email with its delivery status, attempts, last error and Message-ID')
  get(
    @Param('id', new ParseUUIDPipe({ version: undefined })) id: string,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof emailBody>> {
    return this.emails.get(id, projectId);
  }
}
