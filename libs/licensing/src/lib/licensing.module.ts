import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { CallAdmission } from './application/call-admission';
import { DialoutPolicyReplica } from '@comms-credits/dialout-replica';
import { LicensingCommands } from './application/licensing.commands';
import { LicensingQueries } from './application/licensing.queries';
import { LicensingController } from './http/licensing.controller';
import { TenantsController } from './http/tenants.controller';
import { EntitlementConsumer } from './messaging/entitlement.consumer';

@Module({
  imports: [CallLogModule],
  controllers: [LicensingController, TenantsController, EntitlementConsumer],
  providers: [LicensingCommands, LicensingQueries, DialoutPolicyReplica, CallAdmission],
})
export class LicensingModule {}
