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
 * Serializes, per tenant, what a restatement of its policies must see whole: a user's grant
 * and the restatement both take the tenant's transaction lock before their first write, so the
 * one that writes second also gets the later transaction id and the relay publishes it after
 * the other (docs/architecture.md, "Admission in one hop"). Tenants in order: no deadlock.
 */
export async function lockTenantPolicies(sql: SqlClient, tenantIds: string[]): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('dialout-tenant:' || t)) FROM unnest($1::text[]) AS t ORDER BY t`, [[...new Set(tenantIds)].sort()]);
}
