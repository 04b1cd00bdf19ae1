import { Injectable } from '@nestjs/common';
import { DomainError, Result, fold, ok } from '@comms-credits/domain-kit';
import { EventStore, SqlClient, Transactions, decideAndAppend, retryOnVersionConflict } from '@comms-credits/event-store';
import {
  Assignment,
  TollFreeAccountCommand,
  TollFreeAccountEvent,
  TollFreeAccountState,
  acquisitionRefusal,
  tollFreeAccountDecider,
} from '../domain/toll-free-account.decider';
import { accountStream, lockAccounts, pickFreeNumber } from './toll-free.streams';

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

  /** The number acquired, or why not. */
  async acquire(tenantId: string, country: string): Promise<Result<string, DomainError>> {
    const result = await this.onAccount(tenantId, async (sql) => {
      // Only an acquisition that will succeed locks a number: a refused one would hide that
      // number from racing acquisitions (SKIP LOCKED) and make them answer "none available".
      const refused = acquisitionRefusal(await this.accountState(sql, tenantId)) !== null;
      return { type: 'Acquire', country, number: refused ? null : await pickFreeNumber(sql, country) };
    });
    if (!result.ok) return result;
    return ok((result.value.events[0]!.data as { number: string }).number);
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
        return decideAndAppend(sql, this.store, accountStream(tenantId), tollFreeAccountDecider, await commandOf(sql));
      }),
    );
  }

  private async accountState(sql: SqlClient, tenantId: string): Promise<TollFreeAccountState> {
    const stream = await this.store.readStream(sql, accountStream(tenantId).streamId);
    const { evolve, initialState } = tollFreeAccountDecider;
    return fold(evolve, initialState(), stream.events as unknown as TollFreeAccountEvent[]);
  }
}
