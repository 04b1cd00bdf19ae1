import { LearnedDialoutPolicies, learnedDialoutPolicies } from '@comms-credits/dialout-replica';
import { Injectable } from '@nestjs/common';
import { SKUS, Sku } from '@comms-credits/contracts';
import { SqlClient, Transactions } from '@comms-credits/event-store';

export interface UserView {
  /** The user stream's version: the resource's ETag. */
  version: number;
  userId: string;
  usageLocation: string | null;
  displayName: string | null;
  licenses: Sku[];
}

export interface SubscriptionView {
  sku: Sku;
  seats: number;
  assigned: number;
  /** null for SKUs that are free and unlimited. */
  available: number | null;
}

export interface TenantView {
  tenantId: string;
  users: number;
  /** Seats purchased, all SKUs together. */
  seats: number;
}

/** Reads of the licensing read models (outside any command). */
@Injectable()
export class LicensingQueries {
  constructor(private readonly transactions: Transactions) {}

  async user(tenantId: string, userId: string): Promise<UserView | undefined> {
    const [row] = await this.transactions.query<{
      user_id: string;
      usage_location: string | null;
      display_name: string | null;
      licenses: Sku[];
      version: number;
    }>(`SELECT user_id, usage_location, display_name, licenses, version FROM rm_licensing_users WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]);
    return (
      row && {
        version: row.version,
        userId: row.user_id,
        usageLocation: row.usage_location,
        displayName: row.display_name,
        licenses: sortSkus(row.licenses),
      }
    );
  }

  /** What licensing has learned of the tenant's dial-out policies (the one-hop admission's replica). */
  learnedDialoutPolicies(tenantId: string): Promise<LearnedDialoutPolicies> {
    return this.transactions.run((sql) => learnedDialoutPolicies(sql, 'licensing', tenantId));
  }

  /** The tenant's users, by user id (the ops console's licences page). */
  async users(tenantId: string): Promise<UserView[]> {
    const rows = await this.transactions.query<{
      user_id: string;
      usage_location: string | null;
      display_name: string | null;
      licenses: Sku[];
      version: number;
    }>(`SELECT user_id, usage_location, display_name, licenses, version FROM rm_licensing_users WHERE tenant_id = $1 ORDER BY user_id`, [tenantId]);
    return rows.map((row) => ({
      version: row.version,
      userId: row.user_id,
      usageLocation: row.usage_location,
      displayName: row.display_name,
      licenses: sortSkus(row.licenses),
    }));
  }

  /**
   * Every tenant licensing knows (one with a user or a subscription): the tenant directory of
   * the platform operators' console, with its user count and seats purchased.
   */
  async tenants(): Promise<TenantView[]> {
    return this.transactions.query<TenantView>(
      `SELECT tenant_id AS "tenantId", sum(users)::int AS users, sum(seats)::int AS seats
         FROM (SELECT tenant_id, count(*) AS users, 0 AS seats FROM rm_licensing_users GROUP BY tenant_id
               UNION ALL
               SELECT tenant_id, 0, sum(seats) FROM rm_licensing_subscriptions GROUP BY tenant_id) AS known
        GROUP BY tenant_id ORDER BY tenant_id`,
    );
  }

  async subscriptions(tenantId: string): Promise<SubscriptionView[]> {
    const rows = await this.transactions.query<{ sku: Sku; seats: number; assigned: number }>(
      `SELECT sku, seats, assigned FROM rm_licensing_subscriptions WHERE tenant_id = $1 AND (seats > 0 OR assigned > 0)`,
      [tenantId],
    );
    return sortSkus(rows.map((r) => r.sku)).map((sku) => toSubscriptionView(rows.find((r) => r.sku === sku)!));
  }

  async subscription(tenantId: string, sku: Sku): Promise<SubscriptionView> {
    const [row] = await this.transactions.query<{ sku: Sku; seats: number; assigned: number }>(
      `SELECT sku, seats, assigned FROM rm_licensing_subscriptions WHERE tenant_id = $1 AND sku = $2`,
      [tenantId, sku],
    );
    return toSubscriptionView(row ?? { sku, seats: 0, assigned: 0 });
  }
}

/**
 * What licensing knows of many users at once (usage location and licences), for the admission
 * stage (inside the chunk's transaction). A user it has never seen is absent.
 */
export async function callersOf(
  sql: SqlClient,
  tenantId: string[],
  userIds: string[],
): Promise<Map<string, { usageLocation: string | null; licenses: Sku[] }>> {
  const { rows } = await sql.query<{ tenant_id: string; user_id: string; usage_location: string | null; licenses: Sku[] }>(
    `SELECT u.tenant_id, u.user_id, u.usage_location, u.licenses FROM rm_licensing_users u
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, user_id) USING (tenant_id, user_id)`,
    [tenantId, userIds],
  );
  return new Map(rows.map((r) => [`${r.tenant_id}/${r.user_id}`, { usageLocation: r.usage_location, licenses: r.licenses }]));
}

function toSubscriptionView(row: { sku: Sku; seats: number; assigned: number }): SubscriptionView {
  const unlimited = row.sku === 'COMMUNICATIONS_CREDITS';
  return { sku: row.sku, seats: row.seats, assigned: row.assigned, available: unlimited ? null : Math.max(row.seats - row.assigned, 0) };
}

function sortSkus(skus: Sku[]): Sku[] {
  return [...new Set(skus)].sort((a, b) => SKUS.indexOf(a) - SKUS.indexOf(b));
}
