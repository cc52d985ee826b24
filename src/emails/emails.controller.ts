import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SendEmailInput } from './dto/send-email.input';
import { EmailsService } from './emails.service';

@ApiTags('emails')
@Controller('emails')
export class EmailsController {
  constructor(private readonly emails: EmailsService) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeat with the same key returns the first email instead of sending again' })
  @ApiAcceptedResponse({ description: '{ id, status }: queued for delivery' })
  @ApiBadRequestResponse({ description: 'What is wrong, by field: recipients, template, variables, sizes' })
  async send(@Body() input: SendEmailInput, @Headers('idempotency-key') idempotencyKey?: string) {
    const { email } = await this.emails.send(input, idempotencyKey);
    return { id: email.id, status: email.status };
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The email with its delivery status, attempts, last error and Message-ID' })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe({ version: undefined })) id: string) {
    return this.emails.get(id);
  }
}
