import { Injectable } from '@nestjs/common';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { MINUTES_PER_LICENCE } from '../domain/capacity.decider';

export interface PoolView {
  month: string;
  capacityMinutes: number;
  usedMinutes: number;
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

const CAPACITY_SQL = `
  SELECT t.tenant_id,
         ${MINUTES_PER_LICENCE} * (COALESCE((SELECT sum(seats) FROM rm_pool_seats s WHERE s.tenant_id = t.tenant_id), 0)
                                 + (SELECT count(*) FROM rm_pool_select_users u WHERE u.tenant_id = t.tenant_id))::int AS capacity
    FROM unnest($1::text[]) AS t(tenant_id)`;

/** Capacity in minutes per tenant (the same for every month: it follows the seats live). */
export async function capacityMinutesOf(sql: SqlClient, tenantIds: string[]): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ tenant_id: string; capacity: number }>(CAPACITY_SQL, [[...new Set(tenantIds)]]);
  return new Map(rows.map((r) => [r.tenant_id, Number(r.capacity)]));
}

/** Minutes used per `tenant/month`. */
export async function usedMinutesOf(sql: SqlClient, keys: { tenantId: string; month: string }[]): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ tenant_id: string; month: string; used_minutes: number }>(
    `SELECT m.tenant_id, m.month, m.used_minutes FROM rm_pool_months m
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, month) USING (tenant_id, month)`,
    [keys.map((k) => k.tenantId), keys.map((k) => k.month)],
  );
  return new Map(rows.map((r) => [`${r.tenant_id}/${r.month}`, r.used_minutes]));
}

@Injectable()
export class PoolQueries {
  constructor(private readonly transactions: Transactions) {}

  async pool(tenantId: string, month: string): Promise<PoolView> {
    return this.transactions.run(async (sql) => {
      const capacityMinutes = (await capacityMinutesOf(sql, [tenantId])).get(tenantId) ?? 0;
      const usedMinutes = (await usedMinutesOf(sql, [{ tenantId, month }])).get(`${tenantId}/${month}`) ?? 0;
      return { month, capacityMinutes, usedMinutes, availableMinutes: Math.max(capacityMinutes - usedMinutes, 0) };
    });
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
