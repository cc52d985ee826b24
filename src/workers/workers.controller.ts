import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiJson } from '../docs/api-responses';
import { workerListBody } from './worker-responses';
import { WorkersService } from './workers.service';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiJson(200, workerListBody, 'Live worker processes: name, pid, active/processed/failed counts, last heartbeat')
  async list(): Promise<z.output<typeof workerListBody>> {
    return { items: await this.workers.list() };
  }
}
