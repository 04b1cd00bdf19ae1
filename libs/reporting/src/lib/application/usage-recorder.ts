import { Inject, Injectable } from '@nestjs/common';
import { Envelope } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { figuresOf } from '../domain/tenant-directory';
import { UsageFact, usageDecider } from '../domain/usage.facts';
import { ReportingConfig } from '../reporting.config';
import { alertOf } from '../domain/webhook.events';
import { tenantStream, usageStream } from './reporting.streams';
import { enqueueWebhookDeliveries } from './webhook-outbox';

export interface ObservedFact {
  event: Envelope;
  callId: string;
  fact: UsageFact;
}

/**
 * Records what the consumed chunk says about calls (on each call's `usage:<tenant>:<callId>`
 * stream, projected into `rm_usage` in the same transaction) and queues the webhooks its alerts
 * raise, inside the chunk's transaction.
 */
@Injectable()
export class UsageRecorder {
  constructor(
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: ReportingConfig,
  ) {}

  async record(sql: SqlClient, observed: ObservedFact[]): Promise<void> {
    if (observed.length === 0) return;
    await decideAndAppendBatch(
      sql,
      this.store,
      usageDecider,
      observed.map(({ event, callId, fact }) => ({
        target: usageStream(event.tenantId, callId),
        command: { type: 'RecordUsageFact' as const, callId, fact, sourceEventId: event.eventId, sourceType: event.type },
        options: { metadata: { correlationId: callId, causationId: event.eventId } },
      })),
    );
  }

  /**
   * The tenant directory's figures in a chunk of a service's topic: one `TenantFiguresRecorded`
   * per tenant on `tenant:<t>:<topic>` (a tenant's events of one topic are consumed in order by
   * one consumer, so the stream never races), even without figures — the tenant was seen.
   */
  async tenants(sql: SqlClient, topic: string, events: (Envelope & Record<string, unknown>)[]): Promise<void> {
    if (events.length === 0) return;
    const byTenant = new Map<string, ReturnType<typeof figuresOf>>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), ...figuresOf(e)]);
    await this.store.append(
      sql,
      [...byTenant].map(([tenantId, figures]) => ({
        ...tenantStream(tenantId, topic),
        expectedVersion: 'any' as const,
        events: [{ type: 'TenantFiguresRecorded', data: { figures } }],
      })),
    );
  }

  async alert(sql: SqlClient, events: (Envelope & Record<string, unknown>)[]): Promise<void> {
    const alerts = events.map(alertOf).filter((a) => a !== null);
    await enqueueWebhookDeliveries(sql, alerts, this.config.REPORTING_WEBHOOK_RETRY_FOR_MS);
  }
}
