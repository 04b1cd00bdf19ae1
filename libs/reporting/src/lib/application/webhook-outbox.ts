import { SqlClient } from '@comms-credits/event-store';
import { WebhookAlert } from '../domain/webhook.events';

/**
 * The webhook outbox: in the transaction that consumes an alert, one delivery row per enabled
 * endpoint of the tenant subscribed to its event (one statement for the chunk). A repeat of the
 * alert finds its rows (unique per endpoint and message id) and adds none. The dispatcher
 * delivers the rows after the commit: no dual write, at least once.
 */
export async function enqueueWebhookDeliveries(sql: SqlClient, alerts: WebhookAlert[], retryForMs: number): Promise<number> {
  if (alerts.length === 0) return 0;
  const { rowCount } = await sql.query(
    `INSERT INTO webhook_deliveries (delivery_id, tenant_id, webhook_id, message_id, event_type, payload, status, next_attempt_at, give_up_at)
     SELECT gen_random_uuid(), e.tenant_id, e.webhook_id, a.message_id, a.event_type, a.payload, 'pending', now(), now() + make_interval(secs => $2::double precision / 1000)
       FROM jsonb_to_recordset($1::jsonb) AS a(tenant_id text, event_type text, message_id text, payload jsonb)
       JOIN rm_webhook_endpoints e ON e.tenant_id = a.tenant_id AND e.enabled AND a.event_type = ANY (e.events)
     ON CONFLICT (tenant_id, webhook_id, message_id) DO NOTHING`,
    [JSON.stringify(alerts.map((a) => ({ tenant_id: a.tenantId, event_type: a.event, message_id: a.messageId, payload: a.payload }))), retryForMs],
  );
  return rowCount;
}
