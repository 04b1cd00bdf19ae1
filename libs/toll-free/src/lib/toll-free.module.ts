import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { TollFreeCommands } from './application/toll-free.commands';
import { TollFreeQueries } from './application/toll-free.queries';
import { TollFreeController } from './http/toll-free.controller';
import { InventorySeeder } from './inventory/inventory.seeder';
import { AccountFactsConsumer } from './messaging/account-facts.consumer';
import { InboundAdmissionConsumer } from './messaging/inbound-admission.consumer';

@Module({
  imports: [CallLogModule],
  controllers: [TollFreeController, AccountFactsConsumer, InboundAdmissionConsumer],
  providers: [TollFreeCommands, TollFreeQueries, InventorySeeder],
})
export class TollFreeModule {}
