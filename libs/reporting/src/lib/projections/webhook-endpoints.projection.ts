import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { WebhookEndpointEvent } from '../domain/webhook.events';

/** `rm_webhook_endpoints`: each tenant's endpoints as their streams say (the secret included, to sign with). */
export const webhookEndpointsProjection: Projection = {
  name: 'webhook-endpoints',
  handles: ['WebhookEndpointCreated', 'WebhookEndpointChanged', 'WebhookEndpointDeleted'],
  tables: ['rm_webhook_endpoints'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'WebhookEndpointCreated') {
        const d = dataOf<DataOf<WebhookEndpointEvent, 'WebhookEndpointCreated'>>(event);
        await sql.query(
          `INSERT INTO rm_webhook_endpoints (tenant_id, webhook_id, url, events, enabled, secret, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
           ON CONFLICT (tenant_id, webhook_id) DO UPDATE SET url = excluded.url, events = excluded.events, enabled = excluded.enabled,
             secret = excluded.secret, created_at = excluded.created_at, updated_at = excluded.updated_at`,
          [event.tenantId, d.webhookId, d.url, d.events, d.enabled, d.secret, event.occurredAt],
        );
      } else if (event.type === 'WebhookEndpointChanged') {
        const d = dataOf<DataOf<WebhookEndpointEvent, 'WebhookEndpointChanged'>>(event);
        await sql.query(`UPDATE rm_webhook_endpoints SET url = $3, events = $4, enabled = $5, updated_at = $6 WHERE tenant_id = $1 AND webhook_id = $2`, [
          event.tenantId,
          d.webhookId,
          d.url,
          d.events,
          d.enabled,
          event.occurredAt,
        ]);
      } else {
        const d = dataOf<DataOf<WebhookEndpointEvent, 'WebhookEndpointDeleted'>>(event);
        await sql.query(`DELETE FROM rm_webhook_endpoints WHERE tenant_id = $1 AND webhook_id = $2`, [event.tenantId, d.webhookId]);
      }
    }
  },
};
