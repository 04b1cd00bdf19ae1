import { Injectable } from '@nestjs/common';
import { monthOf } from '@comms-credits/contracts';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { TenantNumber } from '../domain/inbound-admission';
import { Seats, licencesCounted, tollFreeQuota } from '../domain/quota';
import { Assignment, AssignmentTarget } from '../domain/toll-free-account.decider';

export interface TollFreeNumberView {
  number: string;
  country: string;
  status: 'active' | 'suspended';
  assignment: Assignment | null;
  acquiredAt: string;
  /** The calendar month (UTC) `minutes` counts. */
  month: string;
  /** Whole minutes (each call rounded up) of the routed calls the wallet charged that started in `month` (a call it rejected counts none). */
  minutes: number;
}

export interface QuotaView {
  /** Purchased seats of the SKUs that count (domain/quota.ts), as licensing last announced them. */
  seats: Seats;
  licences: number;
  quota: number;
  numbersHeld: number;
  numbersAvailable: number;
  billingSetUp: boolean;
  balancePositive: boolean;
  suspended: boolean;
}

interface NumberRow {
  number: string;
  country: string;
  target: AssignmentTarget | null;
  target_id: string | null;
  acquired_at: Date;
  suspended: boolean | null;
  minutes: number;
}

/** Reads of the toll-free read models (outside any command). */
@Injectable()
export class TollFreeQueries {
  constructor(private readonly transactions: Transactions) {}

  /** The tenant's numbers, or only `number` when given; minutes of `month` (default: the current one). */
  async numbers(tenantId: string, options: { number?: string; month?: string } = {}): Promise<TollFreeNumberView[]> {
    const month = options.month ?? monthOf(new Date());
    const rows = await this.transactions.query<NumberRow>(
      `SELECT n.number, n.country, n.target, n.target_id, n.acquired_at, t.suspended,
              (SELECT COALESCE(sum(ceil(c.charged_seconds / 60.0)), 0)::int
                 FROM rm_toll_free_calls c
                WHERE c.tenant_id = n.tenant_id AND c.number = n.number AND c.charged_seconds IS NOT NULL
                  AND c.started_at >= ($3::text || '-01T00:00:00Z')::timestamptz
                  AND c.started_at < ($3::text || '-01T00:00:00Z')::timestamptz + interval '1 month') AS minutes
         FROM rm_toll_free_numbers n LEFT JOIN rm_toll_free_tenants t USING (tenant_id)
        WHERE n.tenant_id = $1 AND ($2::text IS NULL OR n.number = $2)
        ORDER BY n.number`,
      [tenantId, options.number ?? null, month],
    );
    return rows.map((row) => toNumberView(row, month));
  }

  async quota(tenantId: string): Promise<QuotaView> {
    const [row] = await this.transactions.query<{ seats: Seats; billing_set_up: boolean; balance_positive: boolean; suspended: boolean; held: number }>(
      `SELECT t.seats, t.billing_set_up, t.balance_positive, t.suspended,
              (SELECT count(*)::int FROM rm_toll_free_numbers n WHERE n.tenant_id = $1) AS held
         FROM (SELECT $1::text AS tenant_id) k LEFT JOIN rm_toll_free_tenants t USING (tenant_id)`,
      [tenantId],
    );
    const seats = row?.seats ?? {};
    const licences = licencesCounted(seats);
    const quota = tollFreeQuota(licences);
    const held = row?.held ?? 0;
    return {
      seats,
      licences,
      quota,
      numbersHeld: held,
      numbersAvailable: Math.max(quota - held, 0),
      billingSetUp: row?.billing_set_up ?? false,
      balancePositive: row?.balance_positive ?? false,
      suspended: row?.suspended ?? false,
    };
  }
}

/** The called numbers the tenants hold, for the admission stage (inside the chunk's transaction), keyed `tenant/number`. */
export async function tenantNumbersOf(sql: SqlClient, tenantIds: string[], numbers: string[]): Promise<Map<string, TenantNumber>> {
  const { rows } = await sql.query<{ tenant_id: string; number: string; country: string; suspended: boolean | null }>(
    `SELECT n.tenant_id, n.number, n.country, t.suspended FROM rm_toll_free_numbers n
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, number) USING (tenant_id, number)
       LEFT JOIN rm_toll_free_tenants t USING (tenant_id)`,
    [tenantIds, numbers],
  );
  return new Map(rows.map((r) => [`${r.tenant_id}/${r.number}`, { country: r.country, suspended: r.suspended ?? false }]));
}

function toNumberView(row: NumberRow, month: string): TollFreeNumberView {
  return {
    number: row.number,
    country: row.country,
    status: row.suspended ? 'suspended' : 'active',
    assignment: row.target && row.target_id ? { target: row.target, targetId: row.target_id } : null,
    acquiredAt: row.acquired_at.toISOString(),
    month,
    minutes: row.minutes,
  };
}
