import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transactions, readAudit } from '@comms-credits/event-store';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AuditQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class AuditActor {
  @ApiProperty({ description: "the token's sub" }) sub!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
}

export class AuditEntryResponse {
  @ApiProperty({ description: 'when the change was recorded (ISO 8601)' }) at!: string;
  @ApiProperty({ type: AuditActor }) actor!: AuditActor;
  @ApiProperty({ description: 'the event type, e.g. WalletFunded' }) eventType!: string;
  @ApiProperty({ description: 'the stream it changed, e.g. wallet:contoso' }) streamId!: string;
  @ApiProperty() streamType!: string;
  @ApiProperty() eventId!: string;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items!: AuditEntryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor of the next (older) page' }) nextCursor!: string | null;
}

/** Every service: who changed what in a tenant, and when — the events people's requests appended. */
@ApiTags('audit')
@Controller('tenants/:tenantId/audit')
export class AuditController {
  constructor(private readonly transactions: Transactions) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what in this service for the tenant, newest first (cursor-paginated)' })
  @ApiOkResponse({ type: AuditPageResponse })
  async list(@Param('tenantId') tenantId: string, @Query() query: AuditQuery): Promise<AuditPageResponse> {
    const page = await this.transactions.run((sql) => readAudit(sql, tenantId, query.limit, query.cursor));
    return {
      items: page.items.map((e) => ({
        at: e.recordedAt.toISOString(),
        actor: e.actor,
        eventType: e.eventType,
        streamId: e.streamId,
        streamType: e.streamType,
        eventId: e.eventId,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
