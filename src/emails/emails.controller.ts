import { ProjectId } from '../auth/principal.decorator';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { cursorPageQuerySchema } from '../http/cursor-page.query';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiError, ApiJson } from '../docs/api-responses';
import { ApiQueryFrom, ApiRequestBody } from '../docs/api-requests';
import { EMAIL_BATCH_EXAMPLES, EMAIL_EXAMPLES } from '../docs/request-examples';
import { emailAcceptedBody, emailBatchAcceptedBody, emailBody, emailPageBody } from './email-responses';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';
import {
  MAX_BATCH_EMAILS,
  type SendEmailBatchRequest,
  sendEmailBatchRequestSchema,
  type SendEmailRequest,
  sendEmailRequestSchema,
} from './email-request.schema';
import { EmailsService } from './emails.service';
import { requestBody } from '../docs/document-registry';

/** The body of this route, documented from the schema that validates it. */
const SEND_EMAIL_INPUT = requestBody('SendEmailInput', () => sendEmailRequestSchema);
const SEND_EMAIL_BATCH_INPUT = requestBody('SendEmailBatchInput', () => sendEmailBatchRequestSchema);

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

  @Post('batch')
  @HttpCode(202)
  @ApiJson(
    202,
    emailBatchAcceptedBody,
    `{ emails: [{ id, status, created }] }: every email of the batch queued (up to ${MAX_BATCH_EMAILS}), in its order`,
  )
  @ApiError(
    400,
    'Nothing was stored: what is wrong with each email, by its index (`emails[3].to ...`), or with the batch',
  )
  @ApiError(409, 'An idempotency key was taken and released by another request at that moment; nothing was stored')
  @ApiRequestBody(SEND_EMAIL_BATCH_INPUT, EMAIL_BATCH_EXAMPLES)
  async sendBatch(
    @Body(new ZodValidationPipe(sendEmailBatchRequestSchema)) input: SendEmailBatchRequest,
    @ProjectId() projectId: string,
  ): Promise<z.output<typeof emailBatchAcceptedBody>> {
    const outcomes = await this.emails.sendBatch(input, projectId);
    return { emails: outcomes.map(({ email, created }) => ({ id: email.id, status: email.status, created })) };
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
