import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { CursorPageQuery } from '../../http/cursor-page.query';
import { SuiteStatus } from '../suite.entity';

export class ListSuitesQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: SuiteStatus })
  @IsOptional()
  @IsEnum(SuiteStatus, { message: `status must be one of ${Object.values(SuiteStatus).join(', ')}` })
  status?: SuiteStatus;
}
