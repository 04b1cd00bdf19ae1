import { Module } from '@nestjs/common';
import { CallLogModule } from '@comms-credits/call-log';

@Module({ imports: [CallLogModule] })
export class CreditWalletModule {}
