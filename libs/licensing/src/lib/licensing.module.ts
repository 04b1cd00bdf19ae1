import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';
import { TelephonyConsumer } from './telephony.consumer';

@Module({ imports: [CallLogModule], controllers: [TelephonyConsumer] })
export class LicensingModule {}
