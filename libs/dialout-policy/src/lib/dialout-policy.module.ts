import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { GrantPolicyHandler } from './commands/grant-policy.handler';
import { AwaitingCallsSweeper } from './consumers/awaiting-calls.sweeper';
import { CallScreening } from './consumers/call-screening.service';
import { DialoutPolicyConsumer } from './consumers/dialout-policy.consumer';
import { UsageLocations } from './consumers/usage-locations.service';
import { DialoutPolicyCatalogueController } from './http/dialout-policy-catalogue.controller';
import { TenantDialoutPolicyController } from './http/tenant-dialout-policy.controller';
import { UserDialoutPolicyController } from './http/user-dialout-policy.controller';
import { DialoutPolicyQueries } from './queries/dialout-policy.queries';

@Module({
  imports: [CallLogModule],
  controllers: [DialoutPolicyCatalogueController, TenantDialoutPolicyController, UserDialoutPolicyController, DialoutPolicyConsumer],
  providers: [GrantPolicyHandler, DialoutPolicyQueries, CallScreening, UsageLocations, AwaitingCallsSweeper],
})
export class DialoutPolicyModule {}
