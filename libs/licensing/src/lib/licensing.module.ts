import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { LicensingCommands } from './application/licensing.commands';
import { LicensingQueries } from './application/licensing.queries';
import { LicensingController } from './http/licensing.controller';
import { EntitlementConsumer } from './messaging/entitlement.consumer';

@Module({
  imports: [CallLogModule],
  controllers: [LicensingController, EntitlementConsumer],
  providers: [LicensingCommands, LicensingQueries],
})
export class LicensingModule {}
