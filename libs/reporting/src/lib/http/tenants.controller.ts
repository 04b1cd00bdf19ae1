import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TenantDirectoryQueries } from '../application/tenant-directory.queries';

export class TenantsQuery {
  @ApiPropertyOptional({ description: 'part of the tenant id (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  search?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

/** Platform operators: every tenant the report has seen on any topic, with the Tenants page's figures in one call. */
@ApiTags('tenants')
@Controller('tenants')
@OperatorOnly()
export class TenantsController {
  constructor(private readonly directory: TenantDirectoryQueries) {}

  @Get()
  @ApiOperation({
    summary:
      'Every tenant seen on any topic, by id: pool this month (used %, capacity), balance, owed, open alerts, calls today; search, cursor-paginated (operators)',
  })
  list(@Query() query: TenantsQuery) {
    return this.directory.page(query);
  }
}
