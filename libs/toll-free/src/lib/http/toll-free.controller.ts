import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemException, orProblem, problemOf } from '@comms-credits/platform';
import { TollFreeCommands } from '../application/toll-free.commands';
import { TollFreeNumberView, TollFreeQueries } from '../application/toll-free.queries';
import { TollFreeErrors } from '../domain/toll-free.errors';
import { AcquireNumberRequest, AssignNumberRequest, MonthQuery, NumberParams, QuotaResponse, TenantParams, TollFreeNumberResponse } from './toll-free.dto';

/** `Idempotency-Key`: 1-255 visible ASCII characters (as on wallet funding). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const NOT_HELD = "TOLL_FREE_NUMBER_NOT_FOUND: the number is not one of the tenant's";

@ApiTags('toll-free')
@Controller('tenants/:tenantId/toll-free-numbers')
export class TollFreeController {
  constructor(
    private readonly commands: TollFreeCommands,
    private readonly queries: TollFreeQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Acquire a toll-free number in a country (needs a positive credit balance and room in the quota); once per Idempotency-Key' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a repeat with the same key returns the number the first request acquired, and acquires nothing',
  })
  @ApiCreatedResponse({ type: TollFreeNumberResponse })
  @ApiConflictResponse({ description: 'TOLL_FREE_REQUIRES_CREDITS, TOLL_FREE_QUOTA_REACHED or TOLL_FREE_NONE_AVAILABLE' })
  @ApiUnprocessableEntityResponse({ description: 'TOLL_FREE_IDEMPOTENCY_KEY_REUSED: the key was used for another country' })
  async acquire(
    @Param() { tenantId }: TenantParams,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: AcquireNumberRequest,
  ): Promise<TollFreeNumberView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw ProblemException.invalid([{ name: 'Idempotency-Key', reason: 'must be 1-255 visible ASCII characters' }]);
    }
    const number = orProblem(await this.commands.acquire(tenantId, body.country, idempotencyKey));
    return this.view(tenantId, number);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's toll-free numbers with status, assignment and minutes of the month" })
  @ApiOkResponse({ type: [TollFreeNumberResponse] })
  list(@Param() { tenantId }: TenantParams, @Query() query: MonthQuery): Promise<TollFreeNumberView[]> {
    return this.queries.numbers(tenantId, { month: query.month });
  }

  // Before `:number`, so that `quota` is not read as a number.
  @Get('quota')
  @ApiOperation({ summary: 'Licences counted, the quota they allow and the numbers held' })
  @ApiOkResponse({ type: QuotaResponse })
  quota(@Param() { tenantId }: TenantParams) {
    return this.queries.quota(tenantId);
  }

  @Get(':number')
  @ApiOperation({ summary: "One of the tenant's toll-free numbers" })
  @ApiOkResponse({ type: TollFreeNumberResponse })
  @ApiNotFoundResponse({ description: NOT_HELD })
  number(@Param() { tenantId, number }: NumberParams, @Query() query: MonthQuery): Promise<TollFreeNumberView> {
    return this.view(tenantId, number, query.month);
  }

  @Put(':number/assignment')
  @ApiOperation({ summary: 'Assign the number to a conference bridge, a call queue or an auto attendant' })
  @ApiOkResponse({ type: TollFreeNumberResponse })
  @ApiNotFoundResponse({ description: NOT_HELD })
  async assign(@Param() { tenantId, number }: NumberParams, @Body() body: AssignNumberRequest): Promise<TollFreeNumberView> {
    orProblem(await this.commands.assign(tenantId, number, { target: body.target, targetId: body.targetId }));
    return this.view(tenantId, number);
  }

  @Delete(':number')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Release the number back to the inventory' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: NOT_HELD })
  async release(@Param() { tenantId, number }: NumberParams): Promise<void> {
    orProblem(await this.commands.release(tenantId, number));
  }

  private async view(tenantId: string, number: string, month?: string): Promise<TollFreeNumberView> {
    const [view] = await this.queries.numbers(tenantId, { number, month });
    if (!view) throw problemOf(TollFreeErrors.numberNotFound(number));
    return view;
  }
}
