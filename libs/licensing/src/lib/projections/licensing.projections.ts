import { CallEndObserved } from '@comms-credits/call-log';
import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { CallEntitlementEvent } from '../domain/call-entitlement.decider';
import { SubscriptionEvent, UserEvent } from '../domain/user.decider';


/**
 * `rm_licensing_users`: a user's usage location and licences. Events of a chunk are applied in
 * order, one statement each: users change rarely, so simplicity wins over batching here.
 */
export const usersProjection: Projection = {
  name: 'licensing-users',
  handles: ['UserUpserted', 'LicenseAssigned', 'LicenseUnassigned'],
  tables: ['rm_licensing_users'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'UserUpserted') {
        const d = dataOf<DataOf<UserEvent, 'UserUpserted'>>(event);
        await sql.query(
          `INSERT INTO rm_licensing_users (tenant_id, user_id, usage_location, display_name, version) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, user_id) DO UPDATE
             SET usage_location = excluded.usage_location, display_name = excluded.display_name, version = excluded.version`,
          [event.tenantId, d.userId, d.usageLocation, d.displayName, event.streamPosition],
        );
      } else {
        const d = dataOf<DataOf<UserEvent, 'LicenseAssigned'>>(event);
        const change = event.type === 'LicenseAssigned' ? 'array_append(array_remove(licenses, $3), $3)' : 'array_remove(licenses, $3)';
        await sql.query(`UPDATE rm_licensing_users SET licenses = ${change}, version = $4 WHERE tenant_id = $1 AND user_id = $2`, [
          event.tenantId,
          d.userId,
          d.sku,
          event.streamPosition,
        ]);
      }
    }
  },
};

/** `rm_licensing_subscriptions`: seats purchased and assigned per SKU. */
export const subscriptionsProjection: Projection = {
  name: 'licensing-subscriptions',
  handles: ['SubscriptionSeatsChanged', 'LicenseAssigned', 'LicenseUnassigned'],
  tables: ['rm_licensing_subscriptions'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'SubscriptionSeatsChanged') {
        const d = dataOf<DataOf<SubscriptionEvent, 'SubscriptionSeatsChanged'>>(event);
        await sql.query(
          `INSERT INTO rm_licensing_subscriptions (tenant_id, sku, seats) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, sku) DO UPDATE SET seats = excluded.seats`,
          [event.tenantId, d.sku, d.seats],
        );
      } else {
        const d = dataOf<DataOf<UserEvent, 'LicenseAssigned'>>(event);
        const delta = event.type === 'LicenseAssigned' ? 1 : -1;
        await sql.query(
          `INSERT INTO rm_licensing_subscriptions AS s (tenant_id, sku, assigned) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, sku) DO UPDATE SET assigned = s.assigned + excluded.assigned`,
          [event.tenantId, d.sku, delta],
        );
      }
    }
  },
};

/** `rm_licensing_calls`: each call's licence capability and, once ended, its duration. */
export const licenseCallsProjection: Projection = {
  name: 'licensing-calls',
  handles: ['CallUsageClassified', 'CallEndObserved'],
  tables: ['rm_licensing_calls'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const classified = events.filter((e) => e.type === 'CallUsageClassified');
    const ended = events.filter((e) => e.type === 'CallEndObserved');
    if (classified.length > 0) {
      const data = classified.map((e) => dataOf<DataOf<CallEntitlementEvent, 'CallUsageClassified'>>(e));
      await sql.query(
        `INSERT INTO rm_licensing_calls AS c (tenant_id, call_id, user_id, capability, outcome, started_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET user_id = excluded.user_id, capability = excluded.capability,
           outcome = excluded.outcome, started_at = excluded.started_at`,
        [
          classified.map((e) => e.tenantId),
          data.map((d) => d.callId),
          data.map((d) => d.userId),
          data.map((d) => d.capability),
          data.map((d) => d.outcome),
          data.map((d) => d.startedAt),
        ],
      );
    }
    if (ended.length > 0) {
      const data = ended.map((e) => dataOf<CallEndObserved['data']>(e));
      await sql.query(
        `INSERT INTO rm_licensing_calls AS c (tenant_id, call_id, duration_seconds)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET duration_seconds = excluded.duration_seconds`,
        [ended.map((e) => e.tenantId), data.map((d) => d.callId), data.map((d) => d.durationSeconds)],
      );
    }
  },
};
