import { Body, Controller, Delete, Get, Headers, Param, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Sku } from '@comms-credits/contracts';
import { LearnedDialoutPolicies, LearnedDialoutPoliciesResponse } from '@comms-credits/dialout-replica';
import { DomainError, Result } from '@comms-credits/domain-kit';
import { ProblemException, etagOf, ifMatched, orProblem, parseIfMatch } from '@comms-credits/platform';
import type { Response } from 'express';
import { LicensingCommands } from '../application/licensing.commands';
import { LicensingQueries, UserView } from '../application/licensing.queries';
import { SetSeatsRequest, SubscriptionResponse, UpsertUserRequest, UserResponse } from './licensing.dto';
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
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag of the user as read: refused with 412 if it changed since' })
  @ApiOkResponse({ type: UserResponse, headers: { ETag: { description: 'the user’s version' } } })
  async upsertUser(
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
    @Body() body: UpsertUserRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.changeUser(tenantId, userId, ifMatch, response, (expected) =>
      this.commands.upsertUser(tenantId, userId, body.usageLocation, body.displayName ?? null, expected),
    );
  }

  @Get('users')
  @ApiOperation({ summary: "The tenant's users with their usage location and licences, by user id" })
  @ApiOkResponse({ type: [UserResponse] })
  users(@Param('tenantId') tenantId: string): Promise<UserView[]> {
    return this.queries.users(tenantId);
  }

  @Get('learned-dialout-policies')
  @ApiOperation({
    summary: "The tenant's dial-out policies as licensing has learned them from dialout-policy.events (the replica admission screens by in one hop)",
  })
  @ApiOkResponse({ type: LearnedDialoutPoliciesResponse })
  learnedDialoutPolicies(@Param('tenantId') tenantId: string): Promise<LearnedDialoutPolicies> {
    return this.queries.learnedDialoutPolicies(tenantId);
  }

  @Get('users/:userId')
  @ApiOperation({ summary: 'A user with their usage location and licences' })
  @ApiOkResponse({ type: UserResponse, headers: { ETag: { description: 'the user’s version, for If-Match' } } })
  async user(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Res({ passthrough: true }) response: Response): Promise<UserView> {
    const user = await this.queries.user(tenantId, userId);
    if (!user) throw ProblemException.notFound('LICENSING.USER_NOT_FOUND', `no user ${userId}`);
    response.setHeader('ETag', etagOf(user.version));
    return user;
  }

  @Put('users/:userId/licenses/:sku')
  @ApiOperation({ summary: 'Assign a licence (refused beyond the seats purchased, or without usage location)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag of the user as read' })
  @ApiOkResponse({ type: UserResponse })
  async assign(
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
    @Param('sku', ParseSkuPipe) sku: Sku,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.changeUser(tenantId, userId, ifMatch, response, (expected) => this.commands.assignLicense(tenantId, userId, sku, expected));
  }

  @Delete('users/:userId/licenses/:sku')
  @ApiOperation({ summary: 'Unassign a licence (idempotent)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'the ETag of the user as read' })
  @ApiOkResponse({ type: UserResponse })
  async unassign(
    @Param('tenantId') tenantId: string,
    @Param('userId') userId: string,
    @Param('sku', ParseSkuPipe) sku: Sku,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.changeUser(tenantId, userId, ifMatch, response, (expected) => this.commands.unassignLicense(tenantId, userId, sku, expected));
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

  /** A command on a user's stream under an optional If-Match; answers the user and its new ETag. */
  private async changeUser(
    tenantId: string,
    userId: string,
    ifMatch: string | undefined,
    response: Response,
    command: (expectedVersion: number | undefined) => Promise<Result<unknown, DomainError>>,
  ): Promise<UserView> {
    const expected = parseIfMatch(ifMatch);
    orProblem(await ifMatched(expected, () => command(expected)));
    return this.user(tenantId, userId, response);
  }
}
