import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { CursorPageQuery } from '../../common/cursor-page.query';
import { RunStatus } from '../run.entity';

export class ListRunsQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: RunStatus })
  @IsOptional()
  @IsEnum(RunStatus, { message: `status must be one of ${Object.values(RunStatus).join(', ')}` })
  status?: RunStatus;
}
