import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { CursorPageQuery } from '../../http/cursor-page.query';
import { RunStatus } from '../run.entity';

export class ListRunsQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: RunStatus })
  @IsOptional()
  @IsEnum(RunStatus, { message: `status must be one of ${Object.values(RunStatus).join(', ')}` })
  status?: RunStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'only runs queued by this schedule' })
  @IsOptional()
  @IsUUID('all', { message: 'scheduleId must be a UUID' })
  scheduleId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only the runs of this suite' })
  @IsOptional()
  @IsUUID('all', { message: 'suiteId must be a UUID' })
  suiteId?: string;
}
