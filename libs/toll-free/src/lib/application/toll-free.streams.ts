import { SqlClient, StreamTarget } from '@comms-credits/event-store';

/** A tenant's toll-free account, `toll-free-account:<tenant>`: the numbers it holds and what it knows of seats and wallet. */
export function tollFreeAccountStreamId(tenantId: string): string {
  return `toll-free-account:${tenantId}`;
}

export function tollFreeAccountStream(tenantId: string): StreamTarget {
  return { streamId: tollFreeAccountStreamId(tenantId), streamType: 'toll-free-account', tenantId };
}

/** The inventory belongs to no tenant: its streams carry this one (they are never published). */
export const INVENTORY_TENANT = 'toll-free-inventory';

/** A country's stock of numbers, `toll-free-inventory:<country>`. */
export function tollFreeInventoryStream(country: string): StreamTarget {
  return { streamId: `toll-free-inventory:${country}`, streamType: 'toll-free-inventory', tenantId: INVENTORY_TENANT };
}

/** The wallet's charge of a call this service routed, `toll-free-charge:<tenant>:<callId>`. */
export function tollFreeChargeStreamId(tenantId: string, callId: string): string {
  return `toll-free-charge:${tenantId}:${callId}`;
}

export function tollFreeChargeStream(tenantId: string, callId: string): StreamTarget {
  return { streamId: tollFreeChargeStreamId(tenantId, callId), streamType: 'toll-free-charge', tenantId };
}

/**
 * Locks (creating them if needed) the accounts' rows of `rm_toll_free_tenants` until the
 * transaction ends. Every writer of an account takes it first — the ops commands and the
 * consumers of licensing and wallet events — so the quota is checked against a count nobody
 * else is changing, and no writer meets a version conflict. Sorted, so two writers of several
 * accounts cannot deadlock.
 */
export async function lockAccounts(sql: SqlClient, tenantIds: readonly string[]): Promise<void> {
  const ids = [...new Set(tenantIds)].sort();
  await sql.query(`INSERT INTO rm_toll_free_tenants (tenant_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [ids]);
  await sql.query(`SELECT tenant_id FROM rm_toll_free_tenants WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id FOR UPDATE`, [ids]);
}

/**
 * Picks and locks a free number of `country`, the lowest first. `SKIP LOCKED` passes over
 * numbers another acquisition has locked, so racing tenants get different numbers instead of
 * waiting for one another; null when none is left.
 */
export async function pickFreeNumber(sql: SqlClient, country: string): Promise<string | null> {
  const { rows } = await sql.query<{ number: string }>(
    `SELECT number FROM rm_toll_free_numbers WHERE country = $1 AND tenant_id IS NULL ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [country],
  );
  return rows[0]?.number ?? null;
}
