import { Injectable } from '@nestjs/common';
import { DomainError, Result, fail, fold, ok } from '@comms-credits/domain-kit';
import { EventStore, SqlClient, Transactions, decideAndAppend, retryOnVersionConflict } from '@comms-credits/event-store';
import {
  Assignment,
  TollFreeAccountCommand,
  TollFreeAccountEvent,
  TollFreeAccountState,
  acquisitionRefusal,
  tollFreeAccountDecider,
} from '../domain/toll-free-account.decider';
import { TollFreeErrors } from '../domain/toll-free.errors';
import { lockAccounts, pickFreeNumber, tollFreeAccountStream, tollFreeAccountStreamId } from './toll-free.streams';

/**
 * The toll-free commands of the ops API. Each runs on the tenant's account stream with the
 * account's row locked: acquisitions of one tenant are serialized (the quota holds), and the
 * number is picked with `SKIP LOCKED` (no number goes to two tenants).
 */
@Injectable()
export class TollFreeCommands {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
  ) {}

  /**
   * The number acquired, or why not. With an idempotency key, a repeat (same tenant and key)
   * returns the number the first acquisition got and acquires nothing; the key with another
   * country is refused. Refusals are not remembered: a retry is decided afresh.
   */
  async acquire(tenantId: string, country: string, idempotencyKey?: string): Promise<Result<string, DomainError>> {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql): Promise<Result<string, DomainError>> => {
        await lockAccounts(sql, [tenantId]);
        if (idempotencyKey !== undefined) {
          const { rows } = await sql.query<{ country: string; number: string }>(
            `SELECT country, number FROM tf_acquisition_keys WHERE tenant_id = $1 AND idempotency_key = $2`,
            [tenantId, idempotencyKey],
          );
          const earlier = rows[0];
          if (earlier && earlier.country !== country) return fail(TollFreeErrors.idempotencyKeyReused(earlier.country));
          if (earlier) return ok(earlier.number);
        }
        // Only an acquisition that will succeed locks a number: a refused one would hide that
        // number from racing acquisitions (SKIP LOCKED) and make them answer "none available".
        const refused = acquisitionRefusal(await this.accountState(sql, tenantId)) !== null;
        const command: TollFreeAccountCommand = { type: 'Acquire', country, number: refused ? null : await pickFreeNumber(sql, country) };
        const result = await decideAndAppend(sql, this.store, tollFreeAccountStream(tenantId), tollFreeAccountDecider, command);
        if (!result.ok) return result;
        const number = (result.value.events[0]!.data as { number: string }).number;
        if (idempotencyKey !== undefined) {
          await sql.query(`INSERT INTO tf_acquisition_keys (tenant_id, idempotency_key, country, number) VALUES ($1, $2, $3, $4)`, [
            tenantId,
            idempotencyKey,
            country,
            number,
          ]);
        }
        return ok(number);
      }),
    );
  }

  assign(tenantId: string, number: string, assignment: Assignment) {
    return this.onAccount(tenantId, () => ({ type: 'Assign', number, ...assignment }));
  }

  release(tenantId: string, number: string) {
    return this.onAccount(tenantId, () => ({ type: 'Release', number }));
  }

  private onAccount(tenantId: string, commandOf: (sql: SqlClient) => TollFreeAccountCommand | Promise<TollFreeAccountCommand>) {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        await lockAccounts(sql, [tenantId]);
        return decideAndAppend(sql, this.store, tollFreeAccountStream(tenantId), tollFreeAccountDecider, await commandOf(sql));
      }),
    );
  }

  private async accountState(sql: SqlClient, tenantId: string): Promise<TollFreeAccountState> {
    const stream = await this.store.readStream(sql, tollFreeAccountStreamId(tenantId));
    const { evolve, initialState } = tollFreeAccountDecider;
    return fold(evolve, initialState(), stream.events as unknown as TollFreeAccountEvent[]);
  }
}
