import { Module } from '@nestjs/common';
import { CallLogController } from './call-log.controller';
import { CallLog } from './call-log.service';

@Module({ controllers: [CallLogController], providers: [CallLog], exports: [CallLog] })
export class CallLogModule {}
