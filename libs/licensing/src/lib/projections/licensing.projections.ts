import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { DialoutPolicyReplicaEvent } from '../domain/dialout-policy-replica.decider';
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
 * `rm_licensing_dialout_tenants` and `rm_licensing_dialout_users`: the dial-out policies
 * licensing has learned, applied in the order they were published. A restatement replaces them
 * (its first page clears the users' own; a grant published before it is in it already); a grant
 * after it changes one. Policies change rarely: one statement per change.
 */
export const dialoutPoliciesProjection: Projection = {
  name: 'licensing-dialout-policies',
  handles: ['DialoutPoliciesRestatementLearned', 'DialoutGlobalPolicyLearned', 'DialoutUserPolicyLearned'],
  tables: ['rm_licensing_dialout_tenants', 'rm_licensing_dialout_users'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const tenant = (event: RecordedEvent, globalPolicy: string | null, known: boolean) =>
      sql.query(
        `INSERT INTO rm_licensing_dialout_tenants AS t (tenant_id, global_policy, known, learned_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id) DO UPDATE SET global_policy = excluded.global_policy, known = t.known OR excluded.known, learned_at = excluded.learned_at`,
        [event.tenantId, globalPolicy, known, event.occurredAt],
      );
    const users = (event: RecordedEvent, policies: { userId: string; policyName: string | null }[]) =>
      sql.query(
        `WITH given AS (SELECT * FROM unnest($2::text[], $3::text[]) AS g(user_id, policy_name)),
              removed AS (DELETE FROM rm_licensing_dialout_users u USING given g
                           WHERE u.tenant_id = $1 AND u.user_id = g.user_id AND g.policy_name IS NULL)
         INSERT INTO rm_licensing_dialout_users (tenant_id, user_id, policy_name)
         SELECT $1, user_id, policy_name FROM given WHERE policy_name IS NOT NULL
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET policy_name = excluded.policy_name`,
        [event.tenantId, policies.map((p) => p.userId), policies.map((p) => p.policyName)],
      );
    for (const event of events) {
      if (event.type === 'DialoutPoliciesRestatementLearned') {
        const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutPoliciesRestatementLearned'>>(event);
        // A restatement is the policies in force when it was made: its first page replaces the tenant's.
        if (d.page === 1) await sql.query(`DELETE FROM rm_licensing_dialout_users WHERE tenant_id = $1`, [event.tenantId]);
        await tenant(event, d.globalPolicy, d.complete);
        await users(event, d.userPolicies);
      } else if (event.type === 'DialoutGlobalPolicyLearned') {
        const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutGlobalPolicyLearned'>>(event);
        await tenant(event, d.policyName, false);
      } else {
        const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutUserPolicyLearned'>>(event);
        await users(event, [d]);
        await sql.query(`UPDATE rm_licensing_dialout_tenants SET learned_at = $2 WHERE tenant_id = $1`, [event.tenantId, event.occurredAt]);
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
