import { SqlClient, StreamTarget } from '@comms-credits/event-store';
import { dialoutTenantStreamId } from '../domain/dialout-tenant.decider';
import { dialoutUserStreamId } from '../domain/dialout-user.decider';

/** A tenant's Global dial-out policy, `dialout-tenant:<tenant>` (the id is the decider's). */
export function dialoutTenantStream(tenantId: string): StreamTarget {
  return { streamId: dialoutTenantStreamId(tenantId), streamType: 'dialout-tenant', tenantId };
}

/** What the service knows of a user, `dialout-user:<tenant>:<userId>` (the id is the decider's). */
export function dialoutUserStream(tenantId: string, userId: string): StreamTarget {
  return { streamId: dialoutUserStreamId(tenantId, userId), streamType: 'dialout-user', tenantId };
}

/**
 * Serializes, per tenant, a user's grant and the restatement of the tenant's policies: the grant
 * takes the lock before its first write, the restatement before it reads the users' policies.
 * So a grant either committed first and is in the restatement, or waited for the restatement to
 * commit and took its transaction id after it, and the relay publishes it after
 * (docs/architecture.md, "Admission in one hop"). Tenants locked in sorted order: no deadlock.
 */
export async function lockTenantPolicies(sql: SqlClient, tenantIds: string[]): Promise<void> {
  // unnest yields the array in its order, and each row's lock is taken as the row is produced.
  const sorted = [...new Set(tenantIds)].sort();
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('dialout-tenant:' || t)) FROM unnest($1::text[]) AS t`, [sorted]);
}
