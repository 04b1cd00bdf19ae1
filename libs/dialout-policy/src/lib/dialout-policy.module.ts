import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { DialoutPolicyCommands } from './application/dialout-policy.commands';
import { AwaitingCallsSweeper } from './application/awaiting-calls.sweeper';
import { CallScreening } from './application/call-screening.service';
import { DialoutPolicyConsumer } from './messaging/dialout-policy.consumer';
import { UsageLocations } from './application/usage-locations.service';
import { DialoutPolicyCatalogueController } from './http/dialout-policy-catalogue.controller';
import { TenantDialoutPolicyController } from './http/tenant-dialout-policy.controller';
import { UserDialoutPolicyController } from './http/user-dialout-policy.controller';
import { DialoutPolicyQueries } from './application/dialout-policy.queries';

@Module({
  imports: [CallLogModule],
  controllers: [DialoutPolicyCatalogueController, TenantDialoutPolicyController, UserDialoutPolicyController, DialoutPolicyConsumer],
  providers: [DialoutPolicyCommands, DialoutPolicyQueries, CallScreening, UsageLocations, AwaitingCallsSweeper],
})
export class DialoutPolicyModule {}
