import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { orProblem } from '@comms-credits/platform';
import { DialoutPolicyCommands } from '../application/dialout-policy.commands';
import { DialoutPolicyQueries } from '../application/dialout-policy.queries';
import { AwaitingCallResponse, GlobalPolicyResponse, GrantGlobalPolicyRequest, PolicyCallsResponse, TenantParams } from './dialout-policy.dto';

@ApiTags('dialout-policy')
@Controller('tenants/:tenantId/dialout-policy')
export class TenantDialoutPolicyController {
  constructor(
    private readonly grants: DialoutPolicyCommands,
    private readonly queries: DialoutPolicyQueries,
  ) {}

  @Put()
  @ApiOperation({ summary: "Grant the tenant's Global policy (users with their own policy keep it)" })
  @ApiOkResponse({ type: GlobalPolicyResponse })
  @ApiBadRequestResponse({ description: 'DIALOUT_POLICY.UNKNOWN_POLICY (the detail lists the valid names) or VALIDATION_FAILED' })
  async grant(@Param() { tenantId }: TenantParams, @Body() body: GrantGlobalPolicyRequest): Promise<GlobalPolicyResponse> {
    orProblem(await this.grants.grantGlobal(tenantId, body.policyName));
    return this.queries.globalPolicy(tenantId);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's Global policy (DialoutCPCandPSTNInternational until one is granted)" })
  @ApiOkResponse({ type: GlobalPolicyResponse })
  get(@Param() { tenantId }: TenantParams): Promise<GlobalPolicyResponse> {
    return this.queries.globalPolicy(tenantId);
  }

  @Get('calls')
  @ApiOperation({ summary: 'Calls cleared and refused by admission stage 1, per policy and control' })
  @ApiOkResponse({ type: [PolicyCallsResponse] })
  calls(@Param() { tenantId }: TenantParams): Promise<PolicyCallsResponse[]> {
    return this.queries.policyCalls(tenantId);
  }

  @Get('awaiting-calls')
  @ApiOperation({ summary: "Calls waiting for their user's usage location from licensing, the next deadline first" })
  @ApiOkResponse({ type: [AwaitingCallResponse] })
  awaitingCalls(@Param() { tenantId }: TenantParams): Promise<AwaitingCallResponse[]> {
    return this.queries.awaitingCalls(tenantId);
  }
}
