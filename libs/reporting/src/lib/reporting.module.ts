import { Module } from '@nestjs/common';
import { UsageQueries } from './application/usage.queries';
import { UsageRecorder } from './application/usage-recorder';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { DeadLettersController } from './http/dead-letters.controller';
import { UsageController } from './http/usage.controller';
import { WebhooksController } from './http/webhooks.controller';
import { ReportingConsumer } from './messaging/reporting.consumer';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhooksService } from './webhooks/webhooks.service';

@Module({
  controllers: [UsageController, WebhooksController, DeadLettersController, ReportingConsumer],
  providers: [UsageRecorder, UsageQueries, WebhooksService, WebhookDispatcher, DeadLettersService],
})
export class ReportingModule {}
