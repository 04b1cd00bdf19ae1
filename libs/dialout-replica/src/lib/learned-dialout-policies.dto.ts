import { ApiProperty } from '@nestjs/swagger';

export class LearnedUserPolicyResponse {
  @ApiProperty() userId!: string;
  @ApiProperty({ example: 'DialoutCPCDisabledPSTNDisabled' }) policyName!: string;
}

/** The answer of `GET /tenants/{t}/learned-dialout-policies` in each service that keeps the replica. */
export class LearnedDialoutPoliciesResponse {
  @ApiProperty({ description: 'every grant is known here: the tenant’s policies were restated (edition 2 or later), every page learned' })
  known!: boolean;
  @ApiProperty({ nullable: true, description: 'null: none granted, the default Global policy applies' }) globalPolicy!: string | null;
  @ApiProperty({ type: [LearnedUserPolicyResponse] }) userPolicies!: LearnedUserPolicyResponse[];
  @ApiProperty({ nullable: true, description: 'when this service last learned a change (ISO-8601 UTC)' }) learnedAt!: string | null;
}
