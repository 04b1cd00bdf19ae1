import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Sku } from '@comms-credits/contracts';
import { ProblemException, orProblem } from '@comms-credits/platform';
import { LicensingCommands } from '../application/licensing.commands';
import { LicensingQueries, UserView } from '../application/licensing.queries';
import {
  CapabilityUsageResponse,
  SetSeatsRequest,
  SubscriptionResponse,
  UpsertUserRequest,
  UsageQuery,
  UserResponse,
} from './licensing.dto';
import { ParseSkuPipe } from './sku.pipe';

@ApiTags('licensing')
@Controller('tenants/:tenantId')
export class LicensingController {
  constructor(
    private readonly commands: LicensingCommands,
    private readonly queries: LicensingQueries,
  ) {}

  @Put('users/:userId')
  @ApiOperation({ summary: 'Create or update a user and their usage location' })
  @ApiOkResponse({ type: UserResponse })
  async upsertUser(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Body() body: UpsertUserRequest) {
    orProblem(await this.commands.upsertUser(tenantId, userId, body.usageLocation, body.displayName ?? null));
    return this.user(tenantId, userId);
  }

  @Get('users/:userId')
  @ApiOperation({ summary: 'A user with their usage location and licences' })
  @ApiOkResponse({ type: UserResponse })
  async user(@Param('tenantId') tenantId: string, @Param('userId') userId: string): Promise<UserView> {
    const user = await this.queries.user(tenantId, userId);
    if (!user) throw ProblemException.notFound('LICENSING.USER_NOT_FOUND', `no user ${userId}`);
    return user;
  }

  @Put('users/:userId/licenses/:sku')
  @ApiOperation({ summary: 'Assign a licence (refused beyond the seats purchased, or without usage location)' })
  @ApiOkResponse({ type: UserResponse })
  async assign(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Param('sku', ParseSkuPipe) sku: Sku) {
    orProblem(await this.commands.assignLicense(tenantId, userId, sku));
    return this.user(tenantId, userId);
  }

  @Delete('users/:userId/licenses/:sku')
  @ApiOperation({ summary: 'Unassign a licence (idempotent)' })
  @ApiOkResponse({ type: UserResponse })
  async unassign(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Param('sku', ParseSkuPipe) sku: Sku) {
    orProblem(await this.commands.unassignLicense(tenantId, userId, sku));
    return this.user(tenantId, userId);
  }

  @Put('subscriptions/:sku')
  @ApiOperation({ summary: 'Set the seats purchased of a SKU (refused below what is assigned)' })
  @ApiOkResponse({ type: SubscriptionResponse })
  async setSeats(@Param('tenantId') tenantId: string, @Param('sku', ParseSkuPipe) sku: Sku, @Body() body: SetSeatsRequest) {
    orProblem(await this.commands.setSeats(tenantId, sku, body.seats));
    return this.queries.subscription(tenantId, sku);
  }

  @Get('subscriptions')
  @ApiOperation({ summary: 'Seats purchased and assigned per SKU' })
  @ApiOkResponse({ type: [SubscriptionResponse] })
  subscriptions(@Param('tenantId') tenantId: string) {
    return this.queries.subscriptions(tenantId);
  }

  @Get('usage')
  @ApiOperation({ summary: 'Calls and minutes per licence capability (usage report)' })
  @ApiOkResponse({ type: [CapabilityUsageResponse] })
  usage(@Param('tenantId') tenantId: string, @Query() query: UsageQuery) {
    return this.queries.usage(tenantId, query.month);
  }
}
