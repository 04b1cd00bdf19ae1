import { Module } from '@nestjs/common';
import { UsageQueries } from './application/usage.queries';
import { UsageRecorder } from './application/usage-recorder';
import { UsageController } from './http/usage.controller';
import { WebhooksController } from './http/webhooks.controller';
import { ReportingConsumer } from './messaging/reporting.consumer';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhooksService } from './webhooks/webhooks.service';

@Module({
  controllers: [UsageController, WebhooksController, ReportingConsumer],
  providers: [UsageRecorder, UsageQueries, WebhooksService, WebhookDispatcher],
})
export class ReportingModule {}
