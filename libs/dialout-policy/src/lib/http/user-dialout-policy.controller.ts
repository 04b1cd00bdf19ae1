import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { orProblem } from '@comms-credits/platform';
import { DialoutPolicyCommands } from '../application/dialout-policy.commands';
import { DialoutPolicyQueries } from '../application/dialout-policy.queries';
import { GrantUserPolicyRequest, UserParams, UserPolicyResponse } from './dialout-policy.dto';

@ApiTags('dialout-policy')
@Controller('tenants/:tenantId/users/:userId/dialout-policy')
export class UserDialoutPolicyController {
  constructor(
    private readonly grants: DialoutPolicyCommands,
    private readonly queries: DialoutPolicyQueries,
  ) {}

  @Put()
  @ApiOperation({ summary: 'Grant a user their own policy, or remove it with null (the Global policy then applies)' })
  @ApiOkResponse({ type: UserPolicyResponse })
  @ApiBadRequestResponse({ description: 'DIALOUT_POLICY.UNKNOWN_POLICY (the detail lists the valid names) or VALIDATION_FAILED' })
  async grant(@Param() { tenantId, userId }: UserParams, @Body() body: GrantUserPolicyRequest): Promise<UserPolicyResponse> {
    orProblem(await this.grants.grantUser(tenantId, userId, body.policyName));
    return this.queries.userPolicy(tenantId, userId);
  }

  @Get()
  @ApiOperation({ summary: "The policy that judges the user's calls: their own, else the tenant's Global one" })
  @ApiOkResponse({ type: UserPolicyResponse })
  get(@Param() { tenantId, userId }: UserParams): Promise<UserPolicyResponse> {
    return this.queries.userPolicy(tenantId, userId);
  }
}
