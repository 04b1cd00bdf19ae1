import { SqlClient, StreamTarget } from '@comms-credits/event-store';
import { licensedUsersStreamId } from '../domain/licensed-users.decider';

/** A user of a tenant (usage location and assigned licences), `user:<tenant>:<userId>`. */
export function userStream(tenantId: string, userId: string): StreamTarget {
  return { streamId: `user:${tenantId}:${userId}`, streamType: 'user', tenantId };
}

/** A tenant's subscriptions (seats purchased per SKU), `subscriptions:<tenant>`. */
export function subscriptionsStream(tenantId: string): StreamTarget {
  return { streamId: `subscriptions:${tenantId}`, streamType: 'subscriptions', tenantId };
}

/** A tenant's users as a whole, restated for pool-ledger's replica, `licensed-users:<tenant>`. */
export function licensedUsersStream(tenantId: string): StreamTarget {
  return { streamId: licensedUsersStreamId(tenantId), streamType: 'licensed-users', tenantId };
}

/**
 * Serializes, per tenant, a change to a user (upsert, licence assigned or removed) and the
 * restatement of the tenant's users: the change takes the lock before its first write, the
 * restatement before it reads the users. So a change either committed first and is in the
 * restatement, or waited for it and took its transaction id after it, and the relay, which
 * publishes in transaction order, publishes it after: a replica ends with it either way.
 * Tenants locked in sorted order: no deadlock.
 */
export async function lockTenantUsers(sql: SqlClient, tenantIds: string[]): Promise<void> {
  const sorted = [...new Set(tenantIds)].sort();
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('licensed-users:' || t)) FROM unnest($1::text[]) AS t`, [sorted]);
}
