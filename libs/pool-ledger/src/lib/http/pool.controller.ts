import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { monthOf } from '@comms-credits/contracts';
import { IsOptional, Matches } from 'class-validator';
import { LearnedDialoutPoliciesResponse } from '@comms-credits/dialout-replica';
import { PoolQueries } from '../application/pool.queries';

export class MonthQuery {
  @ApiPropertyOptional({ example: '2026-11', description: 'calendar month in UTC; default: the current one' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' })
  month?: string;
}

export class PoolResponse {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ example: 600 }) capacityMinutes!: number;
  @ApiProperty({ example: 300 }) usedMinutes!: number;
  @ApiProperty({ example: 120, description: 'reserved for calls in progress (granted, not yet settled)' }) reservedMinutes!: number;
  @ApiProperty({ example: 180, description: 'what admission can still grant: capacity − used − reserved' }) availableMinutes!: number;
}

export class PoolCallResponse {
  @ApiProperty() callId!: string;
  @ApiProperty({ nullable: true }) organizer!: string | null;
  @ApiProperty({ nullable: true }) destinationCountry!: string | null;
  @ApiProperty({ nullable: true, example: 'pool' }) funding!: string | null;
  @ApiProperty({ nullable: true }) maxDurationSeconds!: number | null;
  @ApiProperty({ nullable: true }) seconds!: number | null;
  @ApiProperty({ nullable: true, description: 'whole minutes of the call' }) minutes!: number | null;
  @ApiProperty({ nullable: true, description: 'minutes charged to the pool' }) poolMinutes!: number | null;
  @ApiProperty({ nullable: true, description: 'minutes handed on to the wallet' }) handedOnMinutes!: number | null;
}

export class LearnedCallerResponse {
  @ApiProperty() userId!: string;
  @ApiProperty({ nullable: true, example: 'US', description: 'null: none' }) usageLocation!: string | null;
  @ApiProperty({ type: [String], example: ['OFFICE_365_E5'] }) licenses!: string[];
}

export class LearnedCallersResponse {
  @ApiProperty({ description: 'every user is known here: licensing restated the tenant’s users (edition 2 or later), every page learned' })
  known!: boolean;
  @ApiProperty({ nullable: true, description: 'the edition of the last restatement learned (null: none)' }) edition!: number | null;
  @ApiProperty({ type: [LearnedCallerResponse] }) users!: LearnedCallerResponse[];
  @ApiProperty({ nullable: true, description: 'when the pool last learned a change (ISO-8601 UTC)' }) learnedAt!: string | null;
}

@ApiTags('pool')
@Controller('tenants/:tenantId')
export class LearnedCallersController {
  constructor(private readonly queries: PoolQueries) {}

  @Get('learned-callers')
  @ApiOperation({
    summary: "The tenant's users as the pool has learned them from licensing.events (the replica the one-hop admission will entitle calls by)",
  })
  @ApiOkResponse({ type: LearnedCallersResponse })
  learnedCallers(@Param('tenantId') tenantId: string) {
    return this.queries.learnedCallers(tenantId);
  }

  @Get('learned-dialout-policies')
  @ApiOperation({
    summary: "The tenant's dial-out policies as the pool has learned them from dialout-policy.events (the replica the one-hop admission will screen by)",
  })
  @ApiOkResponse({ type: LearnedDialoutPoliciesResponse })
  learnedDialoutPolicies(@Param('tenantId') tenantId: string) {
    return this.queries.learnedDialoutPolicies(tenantId);
  }
}

@ApiTags('pool')
@Controller('tenants/:tenantId/pool')
export class PoolController {
  constructor(private readonly queries: PoolQueries) {}

  @Get()
  @ApiOperation({ summary: "The tenant's dial-out minute pool in a month" })
  @ApiOkResponse({ type: PoolResponse })
  pool(@Param('tenantId') tenantId: string, @Query() query: MonthQuery) {
    return this.queries.pool(tenantId, query.month ?? monthOf(new Date()));
  }

  @Get('calls')
  @ApiOperation({ summary: 'The calls the pool decided on in a month, with the minutes it covered and handed on' })
  @ApiOkResponse({ type: [PoolCallResponse] })
  calls(@Param('tenantId') tenantId: string, @Query() query: MonthQuery) {
    return this.queries.calls(tenantId, query.month ?? monthOf(new Date()));
  }
}
