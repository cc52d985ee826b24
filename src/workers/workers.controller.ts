import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { WorkersService } from './workers.service';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiOkResponse({ description: 'Live worker processes: name, pid, active/processed/failed counts, last heartbeat' })
  @ApiUnauthorizedResponse({ description: 'No or wrong API key' })
  async list() {
    return { items: await this.workers.list() };
  }
}
