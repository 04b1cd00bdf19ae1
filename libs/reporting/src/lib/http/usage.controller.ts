import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CALL_TYPES, CallType, FUNDING_SOURCES, Funding, OPAQUE_ID, UsagePage, UsageRow } from '@comms-credits/contracts';
import { orProblem } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { UsageFilter, UsageQueries } from '../application/usage.queries';
import { DATE_OR_INSTANT, decodeCursor, usageRange } from '../domain/usage-range';
import { SUMMARY_GROUPS, SummaryGroup } from '../domain/usage-summary';

export class UsageFilterQuery {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: "start time from (inclusive): YYYY-MM-DD (UTC) or an ISO-8601 instant; default: the start of to's month",
  })
  @IsOptional()
  @Matches(DATE_OR_INSTANT, { message: 'from must be YYYY-MM-DD or an ISO-8601 instant' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'start time before (exclusive); default: now. At most 12 months after from' })
  @IsOptional()
  @Matches(DATE_OR_INSTANT, { message: 'to must be YYYY-MM-DD or an ISO-8601 instant' })
  to?: string;

  @ApiPropertyOptional({ enum: CALL_TYPES })
  @IsOptional()
  @IsIn(CALL_TYPES)
  callType?: CallType;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(OPAQUE_ID, { message: 'userId must be 1-128 characters without spaces' })
  userId?: string;

  @ApiPropertyOptional({ enum: FUNDING_SOURCES })
  @IsOptional()
  @IsIn(FUNDING_SOURCES)
  funding?: Funding;
}

export class UsageQuery extends UsageFilterQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,700}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: the whole range as RFC 4180 CSV (same as Accept: text/csv)' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class SummaryQuery extends UsageFilterQuery {
  @ApiProperty({ enum: SUMMARY_GROUPS })
  @IsIn(SUMMARY_GROUPS)
  groupBy!: SummaryGroup;
}

/** The contract's `UsageRow` for OpenAPI: `implements` keeps the two in step. */
export class UsageRowResponse implements UsageRow {
  @ApiProperty() usageId!: string;
  @ApiProperty() callId!: string;
  @ApiProperty({ nullable: true }) userId!: string | null;
  @ApiProperty({ nullable: true, enum: CALL_TYPES }) callType!: string | null;
  @ApiProperty({ nullable: true }) fromNumber!: string | null;
  @ApiProperty({ nullable: true }) toNumber!: string | null;
  @ApiProperty({ nullable: true, example: 'US' }) fromCountry!: string | null;
  @ApiProperty({ nullable: true, example: 'FR' }) toCountry!: string | null;
  @ApiProperty({ nullable: true }) startTime!: string | null;
  @ApiProperty({ nullable: true }) endTime!: string | null;
  @ApiProperty({ nullable: true }) durationSeconds!: number | null;
  @ApiProperty({ nullable: true, example: '0.26', description: 'decimal string in currency' }) charge!: string | null;
  @ApiProperty({ nullable: true, example: '0.0125' }) connectionFee!: string | null;
  @ApiProperty({ nullable: true, example: 'USD' }) currency!: string | null;
  @ApiProperty({ nullable: true, example: 'MCOPSTNPP' }) capability!: string | null;
  @ApiProperty({ nullable: true, enum: FUNDING_SOURCES }) funding!: string | null;
  @ApiProperty({ nullable: true }) poolMinutes!: number | null;
  @ApiProperty({ nullable: true, enum: ['admitted', 'rejected'] }) decision!: 'admitted' | 'rejected' | null;
  @ApiProperty({ nullable: true }) reason!: string | null;
  @ApiProperty({ nullable: true }) rateCardVersion!: string | null;
}

export class UsagePageResponse implements UsagePage {
  @ApiProperty({ type: [UsageRowResponse] }) items!: UsageRowResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** The usage report (design.md, "Reporting service"): rows, CSV export, summaries. */
@ApiTags('usage')
@Controller('tenants/:tenantId/usage')
export class UsageController {
  constructor(private readonly queries: UsageQueries) {}

  @Get()
  @ApiOperation({ summary: 'One row per call (the Teams PSTN usage report columns), by start time; CSV with Accept: text/csv or format=csv' })
  @ApiOkResponse({ type: UsagePageResponse })
  @ApiProduces('application/json', 'text/csv')
  async usage(
    @Param('tenantId') tenantId: string,
    @Query() query: UsageQuery,
    @Headers('accept') accept: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const filter = this.filterOf(tenantId, query);
    if (query.format === 'csv' || (query.format === undefined && wantsCsv(accept))) {
      const name = `usage-${tenantId}-${filter.range.from.toISOString().slice(0, 10)}-${filter.range.to.toISOString().slice(0, 10)}.csv`;
      res.status(200).setHeader('content-type', 'text/csv; charset=utf-8; header=present');
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      res.setHeader('cache-control', 'no-store');
      try {
        await this.queries.exportCsv(filter, res);
      } catch {
        // Headers are gone: an export cut short ends the chunked body without its terminator,
        // which clients see as an error, never as a complete file.
        res.destroy();
      }
      return;
    }
    const after = query.cursor === undefined ? undefined : orProblem(decodeCursor(query.cursor));
    res.status(200).json(await this.queries.page(filter, query.limit, after));
  }

  @Get('summary')
  @ApiOperation({ summary: 'Calls, minutes, pool minutes and charges per day, call type, country or user' })
  async summary(@Param('tenantId') tenantId: string, @Query() query: SummaryQuery) {
    const filter = this.filterOf(tenantId, query);
    const { groups, totals } = await this.queries.summary(filter, query.groupBy);
    return { from: filter.range.from.toISOString(), to: filter.range.to.toISOString(), groupBy: query.groupBy, groups, totals };
  }

  private filterOf(tenantId: string, query: UsageFilterQuery): UsageFilter {
    const range = orProblem(usageRange(query.from, query.to, new Date()));
    return { tenantId, range, callType: query.callType, userId: query.userId, funding: query.funding };
  }
}

/** `Accept: text/csv` (or one preferring it to JSON). */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type!.trim(), q: q ? Number(q.slice(2)) : 1 };
  });
  const csv = Math.max(0, ...types.filter((t) => t.type === 'text/csv').map((t) => t.q));
  const json = Math.max(0, ...types.filter((t) => t.type === 'application/json' || t.type === '*/*' || t.type === 'application/*').map((t) => t.q));
  return csv > 0 && csv >= json;
}
