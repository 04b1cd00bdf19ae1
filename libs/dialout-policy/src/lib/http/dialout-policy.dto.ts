import { ApiProperty } from '@nestjs/swagger';
import { OPAQUE_ID, TENANT_ID } from '@comms-credits/contracts';
import { IsString, Matches, ValidateIf } from 'class-validator';
import { DIALOUT_POLICY_NAMES } from '@comms-credits/dialout-rules';

const CPC = ['Any', 'Domestic', 'ZoneA', 'Disabled'];
const PSTN = ['International', 'Domestic', 'Disabled'];

export class DialoutPolicyEntry {
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES }) name!: string;
  @ApiProperty({ enum: CPC, description: 'Dial-out from meetings the user organizes' }) cpc!: string;
  @ApiProperty({ enum: PSTN, description: "The user's own outbound PSTN calls (emergency numbers always pass)" }) pstn!: string;
  @ApiProperty() description!: string;
}

export class GlobalPolicyResponse {
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES }) policyName!: string;
  @ApiProperty({ enum: CPC }) cpc!: string;
  @ApiProperty({ enum: PSTN }) pstn!: string;
}

export class UserPolicyResponse extends GlobalPolicyResponse {
  @ApiProperty({ enum: ['user', 'global'], description: "`user`: the user's own grant; `global`: the tenant's Global policy" })
  source!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Extension: the usage location learned from licensing; null until known (a call whose verdict needs it waits for it, then is refused as UNKNOWN_USER)',
  })
  usageLocation!: string | null;
}

export class PolicyCallsResponse {
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES }) policyName!: string;
  @ApiProperty({ enum: ['CPC', 'PSTN'], description: 'CPC: meeting dial-out (conf_out); PSTN: user calls (user_out)' }) control!: string;
  @ApiProperty({ description: 'Calls the policy let through (CallCleared)' }) cleared!: number;
  @ApiProperty({ description: 'Calls the policy blocked (DIALOUT_POLICY_BLOCKED)' }) blocked!: number;
  @ApiProperty({ description: 'Calls refused as INVALID_NUMBER under this policy' }) invalidNumber!: number;
  @ApiProperty({ description: 'Calls refused as UNKNOWN_USER (no usage location learned by their deadline) under this policy' }) unknownUser!: number;
}

export class AwaitingCallResponse {
  @ApiProperty() callId!: string;
  @ApiProperty({ description: 'The organizer (conf_out) or caller (user_out) whose usage location the call waits for' }) userId!: string;
  @ApiProperty({ enum: ['conf_out', 'user_out'] }) callType!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['CPC', 'PSTN'] }) control!: string;
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES, description: 'The effective policy whose verdict needs the usage location' }) policyName!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time', description: 'Past it, the call is rejected as UNKNOWN_USER' }) deadline!: string;
}

export class GrantGlobalPolicyRequest {
  /** Only the type is checked here: a name outside the catalogue is DIALOUT_POLICY.UNKNOWN_POLICY, with the list. */
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES })
  @IsString({ message: 'policyName must be the name of a dial-out policy' })
  policyName!: string;
}

export class GrantUserPolicyRequest {
  @ApiProperty({ enum: DIALOUT_POLICY_NAMES, nullable: true, description: "null removes the user's own policy: the Global one applies" })
  @ValidateIf((request: GrantUserPolicyRequest) => request.policyName !== null)
  @IsString({ message: "policyName must be the name of a dial-out policy, or null to remove the user's own policy" })
  policyName!: string | null;
}

export class TenantParams {
  @Matches(TENANT_ID, { message: 'tenantId must be 1-128 URL-safe characters' })
  tenantId!: string;
}

export class UserParams extends TenantParams {
  @Matches(OPAQUE_ID, { message: 'userId must be 1-128 characters without spaces' })
  userId!: string;
}
