import { Injectable } from '@nestjs/common';
import { Sku } from '@comms-credits/contracts';
import { DomainError, Result } from '@comms-credits/domain-kit';
import { EventStore, SqlClient, Transactions, decideAndAppend, retryOnVersionConflict } from '@comms-credits/event-store';
import { subscriptionDecider, userDecider } from '../domain/user.decider';
import { lockTenantUsers, subscriptionsStream, userStream } from './licensing.streams';

/**
 * The licensing commands of the ops API. Seat limits span users, so assignments and seat
 * changes of one SKU are serialized by locking that SKU's row of the (inline, always current)
 * subscriptions read model in the command's transaction. A change to a user takes the tenant's
 * users lock first (`lockTenantUsers`), so that it is never lost to a restatement of the
 * tenant's users made meanwhile.
 */
@Injectable()
export class LicensingCommands {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
  ) {}

  /** `expectedVersion` (If-Match): refuse with a VersionConflictError unless the user is at it. */
  upsertUser(tenantId: string, userId: string, usageLocation: string | null, displayName: string | null, expectedVersion?: number) {
    // With If-Match the caller asked for that exact version: a conflict is the answer, not a retry.
    return retryOnVersionConflict(
      () =>
        this.transactions.run(async (sql) => {
          await lockTenantUsers(sql, [tenantId]);
          return decideAndAppend(
            sql,
            this.store,
            userStream(tenantId, userId),
            userDecider,
            { type: 'UpsertUser', userId, usageLocation, displayName },
            { expectedVersion },
          );
        }),
      expectedVersion === undefined ? undefined : 1,
    );
  }

  assignLicense(tenantId: string, userId: string, sku: Sku, expectedVersion?: number): Promise<Result<unknown, DomainError>> {
    return retryOnVersionConflict(
      () =>
        this.transactions.run(async (sql) => {
          await lockTenantUsers(sql, [tenantId]);
          const seats = await lockSeats(sql, tenantId, sku);
          return decideAndAppend(
            sql,
            this.store,
            userStream(tenantId, userId),
            userDecider,
            { type: 'AssignLicense', userId, sku, seats: { purchased: seats.seats, assigned: seats.assigned } },
            { expectedVersion },
          );
        }),
      expectedVersion === undefined ? undefined : 1,
    );
  }

  unassignLicense(tenantId: string, userId: string, sku: Sku, expectedVersion?: number) {
    return retryOnVersionConflict(
      () =>
        this.transactions.run(async (sql) => {
          await lockTenantUsers(sql, [tenantId]);
          await lockSeats(sql, tenantId, sku);
          return decideAndAppend(sql, this.store, userStream(tenantId, userId), userDecider, { type: 'UnassignLicense', userId, sku }, { expectedVersion });
        }),
      expectedVersion === undefined ? undefined : 1,
    );
  }

  setSeats(tenantId: string, sku: Sku, seats: number) {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const current = await lockSeats(sql, tenantId, sku);
        return decideAndAppend(sql, this.store, subscriptionsStream(tenantId), subscriptionDecider, {
          type: 'SetSeats',
          sku,
          seats,
          assigned: current.assigned,
        });
      }),
    );
  }
}

/** Locks (creating it if needed) a SKU's subscription row until the transaction ends. */
async function lockSeats(sql: SqlClient, tenantId: string, sku: Sku): Promise<{ seats: number; assigned: number }> {
  await sql.query(`INSERT INTO rm_licensing_subscriptions (tenant_id, sku) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [tenantId, sku]);
  const { rows } = await sql.query<{ seats: number; assigned: number }>(
    `SELECT seats, assigned FROM rm_licensing_subscriptions WHERE tenant_id = $1 AND sku = $2 FOR UPDATE`,
    [tenantId, sku],
  );
  return rows[0]!;
}
