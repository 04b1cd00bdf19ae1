import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { LicensedUsersEvent } from '../domain/licensed-users.decider';
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

/**
 * `rm_licensing_restated_tenants`: the tenants whose users licensing has restated, with the
 * edition and the number of users stated (every page adds its own).
 */
export const restatedTenantsProjection: Projection = {
  name: 'licensing-restated-tenants',
  handles: ['LicensedUsersRestated'],
  tables: ['rm_licensing_restated_tenants'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      const d = dataOf<DataOf<LicensedUsersEvent, 'LicensedUsersRestated'>>(event);
      await sql.query(
        `INSERT INTO rm_licensing_restated_tenants AS t (tenant_id, edition, users, restated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id) DO UPDATE
           SET users = CASE WHEN excluded.edition = t.edition THEN t.users + excluded.users ELSE excluded.users END,
               edition = excluded.edition, restated_at = excluded.restated_at`,
        [event.tenantId, d.edition, d.users.length, event.occurredAt],
      );
    }
  },
};
