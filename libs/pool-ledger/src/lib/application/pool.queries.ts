import { LearnedDialoutPolicies, learnedDialoutPolicies } from '@comms-credits/dialout-replica';
import { Injectable } from '@nestjs/common';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { Sku } from '@comms-credits/contracts';
import { CapacityState, capacityMinutes } from '../domain/capacity.decider';

export interface PoolView {
  month: string;
  capacityMinutes: number;
  usedMinutes: number;
  /** Held for calls in progress: granted, not yet settled. */
  reservedMinutes: number;
  /** What admission can still grant: capacity − used − reserved. */
  availableMinutes: number;
}

export interface PoolCallView {
  callId: string;
  organizer: string | null;
  destinationCountry: string | null;
  funding: string | null;
  maxDurationSeconds: number | null;
  seconds: number | null;
  minutes: number | null;
  poolMinutes: number | null;
  handedOnMinutes: number | null;
}

/** A tenant's users as the pool has learned them from licensing (the one-hop admission's replica). */
export interface LearnedCallers {
  /** Every user is known: a restatement of the hand-over edition has been learned, every page of it. */
  known: boolean;
  /** The edition of the last restatement learned (null: none). */
  edition: number | null;
  users: { userId: string; usageLocation: string | null; licenses: Sku[] }[];
  /** When the pool last learned a change (null: never). */
  learnedAt: string | null;
}

/**
 * Capacity in minutes per tenant (the same for every month: it follows the seats live). The
 * read model holds the capacity decider's state; the rule itself is `capacityMinutes`.
 */
export async function capacityMinutesOf(sql: SqlClient, tenantIds: string[]): Promise<Map<string, number>> {
  const tenants = [...new Set(tenantIds)];
  if (tenants.length === 0) return new Map();
  const states = new Map<string, CapacityState>(tenants.map((t) => [t, { seats: {}, selectDialOutUsers: [] }]));
  // Seats and Select Dial Out users in one statement (it runs in every admission and settlement).
  const { rows } = await sql.query<{ tenant_id: string; sku: Sku | null; seats: number | null; user_id: string | null }>(
    `SELECT tenant_id, sku, seats, NULL AS user_id FROM rm_pool_seats WHERE tenant_id = ANY($1::text[])
     UNION ALL
     SELECT tenant_id, NULL, NULL, user_id FROM rm_pool_select_users WHERE tenant_id = ANY($1::text[])`,
    [tenants],
  );
  for (const row of rows) {
    const state = states.get(row.tenant_id)!;
    if (row.user_id !== null) states.set(row.tenant_id, { ...state, selectDialOutUsers: [...state.selectDialOutUsers, row.user_id] });
    else states.set(row.tenant_id, { ...state, seats: { ...state.seats, [row.sku!]: row.seats! } });
  }
  return new Map([...states].map(([tenant, state]) => [tenant, capacityMinutes(state)]));
}

/** Minutes used and reserved per `tenant/month`. */
export async function monthUsageOf(sql: SqlClient, keys: { tenantId: string; month: string }[]): Promise<Map<string, { used: number; reserved: number }>> {
  const { rows } = await sql.query<{ tenant_id: string; month: string; used_minutes: number; reserved_minutes: number }>(
    `SELECT m.tenant_id, m.month, m.used_minutes, m.reserved_minutes FROM rm_pool_months m
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, month) USING (tenant_id, month)`,
    [keys.map((k) => k.tenantId), keys.map((k) => k.month)],
  );
  return new Map(rows.map((r) => [`${r.tenant_id}/${r.month}`, { used: r.used_minutes, reserved: r.reserved_minutes }]));
}

/** Pool reservations whose call's end is overdue (oldest first). */
export async function overdueReservations(sql: SqlClient, now: string, limit: number): Promise<{ tenantId: string; callId: string; month: string }[]> {
  const { rows } = await sql.query<{ tenant_id: string; call_id: string; month: string }>(
    `SELECT tenant_id, call_id, month FROM rm_pool_reservations WHERE due_by <= $1 ORDER BY due_by LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, callId: r.call_id, month: r.month }));
}

@Injectable()
export class PoolQueries {
  constructor(private readonly transactions: Transactions) {}

  async pool(tenantId: string, month: string): Promise<PoolView> {
    return this.transactions.run(async (sql) => {
      const capacityMinutes = (await capacityMinutesOf(sql, [tenantId])).get(tenantId) ?? 0;
      const { used, reserved } = (await monthUsageOf(sql, [{ tenantId, month }])).get(`${tenantId}/${month}`) ?? { used: 0, reserved: 0 };
      return { month, capacityMinutes, usedMinutes: used, reservedMinutes: reserved, availableMinutes: Math.max(capacityMinutes - used - reserved, 0) };
    });
  }

  learnedCallers(tenantId: string): Promise<LearnedCallers> {
    return this.transactions.run(async (sql) => {
      const [tenant] = (
        await sql.query<{ known: boolean; edition: number | null; learned_at: Date }>(
          `SELECT known, edition, learned_at FROM rm_pool_caller_tenants WHERE tenant_id = $1`,
          [tenantId],
        )
      ).rows;
      const { rows: users } = await sql.query<{ user_id: string; usage_location: string | null; licenses: Sku[] }>(
        `SELECT user_id, usage_location, licenses FROM rm_pool_callers WHERE tenant_id = $1 ORDER BY user_id`,
        [tenantId],
      );
      return {
        known: tenant?.known ?? false,
        edition: tenant?.edition ?? null,
        users: users.map((u) => ({ userId: u.user_id, usageLocation: u.usage_location, licenses: u.licenses })),
        learnedAt: tenant?.learned_at.toISOString() ?? null,
      };
    });
  }

  learnedDialoutPolicies(tenantId: string): Promise<LearnedDialoutPolicies> {
    return this.transactions.run((sql) => learnedDialoutPolicies(sql, 'pool', tenantId));
  }

  async calls(tenantId: string, month: string): Promise<PoolCallView[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT * FROM rm_pool_calls WHERE tenant_id = $1 AND month = $2 AND funding IS NOT NULL ORDER BY call_id`,
      [tenantId, month],
    );
    return rows.map((r) => ({
      callId: r['call_id'] as string,
      organizer: r['organizer'] as string | null,
      destinationCountry: r['destination_country'] as string | null,
      funding: r['funding'] as string | null,
      maxDurationSeconds: r['max_duration_seconds'] as number | null,
      seconds: r['duration_seconds'] as number | null,
      minutes: r['minutes'] as number | null,
      poolMinutes: r['pool_minutes'] as number | null,
      handedOnMinutes: r['handed_on_minutes'] as number | null,
    }));
  }
}
