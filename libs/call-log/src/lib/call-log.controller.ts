import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@comms-credits/platform';
import { Transactions } from '@comms-credits/event-store';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class CallLogEntry {
  @ApiProperty() callId!: string;
  @ApiPropertyOptional({ enum: ['conf_out', 'conf_in', 'user_out', 'user_in', 'ucap_in'] }) callType!: string | null;
  @ApiPropertyOptional() userId!: string | null;
  @ApiPropertyOptional() from!: string | null;
  @ApiPropertyOptional() to!: string | null;
  @ApiPropertyOptional() meetingId!: string | null;
  @ApiPropertyOptional() startedAt!: string | null;
  @ApiPropertyOptional() endedAt!: string | null;
  @ApiPropertyOptional() durationSeconds!: number | null;
}

export class CallLogQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}

interface Row {
  call_id: string;
  call_type: string | null;
  user_id: string | null;
  from_number: string | null;
  to_number: string | null;
  meeting_id: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  duration_seconds: number | null;
}

@ApiTags('calls')
@Controller('tenants/:tenantId/calls')
export class CallLogController {
  constructor(private readonly transactions: Transactions) {}

  @Get()
  @ApiOperation({ summary: 'The calls this service has seen, most recent first' })
  @ApiOkResponse({ type: [CallLogEntry] })
  async list(@Param('tenantId') tenantId: string, @Query() query: CallLogQuery): Promise<CallLogEntry[]> {
    const rows = await this.transactions.query<Row>(`SELECT * FROM rm_call_log WHERE tenant_id = $1 ORDER BY started_at DESC NULLS LAST, call_id LIMIT $2`, [
      tenantId,
      query.limit,
    ]);
    return rows.map(toEntry);
  }

  @Get(':callId')
  @ApiOperation({ summary: 'One call as this service saw it' })
  @ApiOkResponse({ type: CallLogEntry })
  async get(@Param('tenantId') tenantId: string, @Param('callId') callId: string): Promise<CallLogEntry> {
    const [row] = await this.transactions.query<Row>(`SELECT * FROM rm_call_log WHERE tenant_id = $1 AND call_id = $2`, [tenantId, callId]);
    if (!row) throw ProblemException.notFound('CALL_NOT_FOUND', `no call ${callId} for tenant ${tenantId}`);
    return toEntry(row);
  }
}

function toEntry(row: Row): CallLogEntry {
  return {
    callId: row.call_id,
    callType: row.call_type,
    userId: row.user_id,
    from: row.from_number,
    to: row.to_number,
    meetingId: row.meeting_id,
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    durationSeconds: row.duration_seconds,
  };
}
