import { Module } from '@nestjs/common';
import { UsageQueries } from './application/usage.queries';
import { TenantDirectoryQueries } from './application/tenant-directory.queries';
import { UsageRecorder } from './application/usage-recorder';
import { DeadLettersService } from './application/dead-letters.service';
import { DeadLettersController } from './http/dead-letters.controller';
import { TenantsController } from './http/tenants.controller';
import { UsageController } from './http/usage.controller';
import { WebhooksController } from './http/webhooks.controller';
import { ReportingConsumer } from './messaging/reporting.consumer';
import { WebhookDispatcher } from './application/webhook-dispatcher';
import { WebhooksService } from './application/webhooks.service';

@Module({
  controllers: [UsageController, WebhooksController, DeadLettersController, TenantsController, ReportingConsumer],
  providers: [UsageRecorder, UsageQueries, WebhooksService, WebhookDispatcher, DeadLettersService, TenantDirectoryQueries],
})
export class ReportingModule {}
