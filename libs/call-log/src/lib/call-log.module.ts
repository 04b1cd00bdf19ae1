import { Module } from '@nestjs/common';
import { CallLogConsumer } from './call-log.consumer';
import { CallLogController } from './call-log.controller';
import { CallLog } from './call-log.service';

@Module({ controllers: [CallLogController, CallLogConsumer], providers: [CallLog], exports: [CallLog] })
export class CallLogModule {}
