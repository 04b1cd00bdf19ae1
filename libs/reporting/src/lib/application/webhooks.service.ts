import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, Result, fail, ok } from '@comms-credits/domain-kit';
import { EventStore, Transactions, decideAndAppend, retryOnVersionConflict } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { ReportingConfig } from '../reporting.config';
import { webhookStream } from './reporting.streams';
import { checkWebhookUrl } from './url-policy';
import { WebhookErrors, WebhookEventType, webhookEndpointDecider } from '../domain/webhook.events';

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryView {
  deliveryId: string;
  messageId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  giveUpAt: string;
  createdAt: string;
  succeededAt: string | null;
  payload: Record<string, unknown>;
  attemptLog: DeliveryAttemptView[];
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

interface EndpointRow {
  webhook_id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const viewOf = (r: EndpointRow): WebhookView => ({
  id: r.webhook_id,
  url: r.url,
  events: r.events,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The webhook endpoints of tenants (event-sourced, with the actor of each change) and their delivery logs. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: ReportingConfig,
  ) {}

  /** Creates (answering the secret, once) or changes an endpoint. */
  async put(
    tenantId: string,
    webhookId: string,
    body: { url: string; events: WebhookEventType[]; enabled: boolean },
  ): Promise<Result<{ created: boolean; webhook: WebhookView; secret?: string }, DomainError>> {
    const verdict = checkWebhookUrl(body.url, this.config.REPORTING_WEBHOOK_ALLOW_PRIVATE);
    if (!verdict.ok) return fail(new DomainError(WebhookErrors.UrlNotAllowed, verdict.reason, 'invalid', { url: body.url }));
    const events = [...new Set(body.events)].sort();
    const secret = newSigningSecret();
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const result = await decideAndAppend(sql, this.store, webhookStream(tenantId, webhookId), webhookEndpointDecider, {
          type: 'Put',
          webhookId,
          url: verdict.url.toString(),
          events,
          enabled: body.enabled,
          newSecret: secret,
        });
        if (!result.ok) return result;
        const created = result.value.events.some((e) => e.type === 'WebhookEndpointCreated');
        const { rows } = await sql.query<EndpointRow>(`SELECT * FROM rm_webhook_endpoints WHERE tenant_id = $1 AND webhook_id = $2`, [tenantId, webhookId]);
        return ok({ created, webhook: viewOf(rows[0]!), ...(created ? { secret } : {}) });
      }),
    );
  }

  async list(tenantId: string): Promise<WebhookView[]> {
    const rows = await this.transactions.query<EndpointRow>(`SELECT * FROM rm_webhook_endpoints WHERE tenant_id = $1 ORDER BY webhook_id`, [tenantId]);
    return rows.map(viewOf);
  }

  /** Deletes an endpoint; its deliveries still pending are cancelled (the log stays). */
  async delete(tenantId: string, webhookId: string): Promise<Result<void, DomainError>> {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const result = await decideAndAppend(sql, this.store, webhookStream(tenantId, webhookId), webhookEndpointDecider, { type: 'Delete', webhookId });
        if (!result.ok) return result;
        await sql.query(
          `UPDATE webhook_deliveries SET status = 'cancelled', leased_until = NULL WHERE tenant_id = $1 AND webhook_id = $2 AND status = 'pending'`,
          [tenantId, webhookId],
        );
        return ok(undefined);
      }),
    );
  }

  async deliveries(
    tenantId: string,
    webhookId: string,
    limit: number,
    before?: string,
  ): Promise<Result<{ items: DeliveryView[]; nextCursor: string | null }, DomainError>> {
    const [endpoint] = await this.transactions.query(`SELECT 1 FROM rm_webhook_endpoints WHERE tenant_id = $1 AND webhook_id = $2`, [tenantId, webhookId]);
    if (!endpoint) return fail(new DomainError(WebhookErrors.NotFound, `no webhook endpoint ${webhookId}`, 'not-found'));
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT d.*, COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
                              FROM webhook_attempts a WHERE a.delivery_id = d.delivery_id), '[]'::jsonb) AS attempt_log
         FROM webhook_deliveries d
        WHERE d.tenant_id = $1 AND d.webhook_id = $2
          AND ($3::timestamptz IS NULL OR (d.created_at, d.delivery_id) < ($3::timestamptz, $4::uuid))
        ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT $5`,
      [tenantId, webhookId, before ? before.split('_')[0] : null, before ? before.split('_')[1] : null, limit + 1],
    );
    const items = rows.slice(0, limit).map(deliveryViewOf);
    const last = rows[limit - 1];
    return ok({ items, nextCursor: rows.length > limit && last ? `${(last['created_at'] as Date).toISOString()}_${String(last['delivery_id'])}` : null });
  }

  /** Queues a delivery again, now, with a fresh retry window; the message id stays (receivers dedupe on it). */
  async resend(tenantId: string, webhookId: string, deliveryId: string): Promise<Result<DeliveryView, DomainError>> {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const { rows } = await sql.query<{ delivery_id: string }>(
          `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), leased_until = NULL,
                  give_up_at = now() + make_interval(secs => $4::double precision / 1000)
            WHERE tenant_id = $1 AND webhook_id = $2 AND delivery_id = $3 RETURNING delivery_id`,
          [tenantId, webhookId, deliveryId, this.config.REPORTING_WEBHOOK_RETRY_FOR_MS],
        );
        if (rows.length === 0) return fail(new DomainError(WebhookErrors.DeliveryNotFound, `no delivery ${deliveryId} of webhook ${webhookId}`, 'not-found'));
        const recorded = await decideAndAppend(sql, this.store, webhookStream(tenantId, webhookId), webhookEndpointDecider, {
          type: 'RecordResend',
          webhookId,
          deliveryId,
        });
        if (!recorded.ok) return recorded;
        const { rows: views } = await sql.query<Record<string, unknown>>(
          `SELECT d.*, '[]'::jsonb AS attempt_log FROM webhook_deliveries d WHERE delivery_id = $1`,
          [deliveryId],
        );
        return ok(deliveryViewOf(views[0]!));
      }),
    );
  }
}

function deliveryViewOf(r: Record<string, unknown>): DeliveryView {
  const date = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : new Date(String(v)).toISOString());
  const status = r['status'] as DeliveryView['status'];
  return {
    deliveryId: String(r['delivery_id']),
    messageId: String(r['message_id']),
    eventType: String(r['event_type']),
    status,
    attempts: Number(r['attempts']),
    lastStatusCode: (r['last_status_code'] as number | null) ?? null,
    lastError: (r['last_error'] as string | null) ?? null,
    nextAttemptAt: status === 'pending' ? date(r['next_attempt_at']) : null,
    giveUpAt: date(r['give_up_at'])!,
    createdAt: date(r['created_at'])!,
    succeededAt: date(r['succeeded_at']),
    payload: r['payload'] as Record<string, unknown>,
    attemptLog: ((r['attempt_log'] as Record<string, unknown>[]) ?? []).map((a) => ({
      attempt: Number(a['attempt']),
      at: date(a['at'])!,
      statusCode: (a['statusCode'] as number | null) ?? null,
      error: (a['error'] as string | null) ?? null,
      durationMs: Number(a['durationMs']),
    })),
  };
}
