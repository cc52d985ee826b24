import { Module } from '@nestjs/common';
import { WorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

/** API side: GET /api/workers. */
@Module({ controllers: [WorkersController], providers: [WorkersService] })
export class WorkersModule {}
