import { Inject, Injectable } from '@nestjs/common';
import { DomainError, Result } from '@comms-credits/domain-kit';
import { EventMetadata, EventStore, NewEvent, SqlClient } from '@comms-credits/event-store';
import { WalletCommand, WalletPolicy, walletDecider } from '../domain/wallet.decider';
import { WalletEvent } from '../domain/wallet.events';
import { walletStream } from './credit-wallet.streams';
import { pricingInstants } from './pricing-instants';
import { RateBooks } from './rate-books';
import { lockWallets } from './wallet.repository';

export const WALLET_POLICY = Symbol('WALLET_POLICY');

export interface WalletCommandItem {
  tenantId: string;
  command: WalletCommand;
  metadata?: EventMetadata;
  /** When the command's call started, if its message says: the rate card in force then prices it. */
  callStartedAt?: string;
}

/**
 * Runs wallet commands in the caller's transaction: locks the tenants' wallet rows, decides each
 * command in order on the state the read models hold (so a long `wallet:<tenant>` stream is
 * never folded), and appends every tenant's events in one statement at the version it read.
 * The row lock serializes a tenant's money; the expected version is the backstop.
 */
@Injectable()
export class WalletLedger {
  constructor(
    private readonly store: EventStore,
    private readonly rateBooks: RateBooks,
    @Inject(WALLET_POLICY) private readonly policy: WalletPolicy,
  ) {}

  async execute(sql: SqlClient, items: WalletCommandItem[]): Promise<Result<WalletEvent[], DomainError>[]> {
    if (items.length === 0) return [];
    const book = await this.rateBooks.current(sql);
    const instants = await pricingInstants(sql, items);
    const wallets = await lockWallets(sql, items);
    const pending = new Map<string, NewEvent[]>();
    const results = items.map(({ tenantId, command, metadata }, i) => {
      const wallet = wallets.get(tenantId)!;
      // Decided with the rate card in force when the command's call started (domain.md, "Rates").
      const decider = walletDecider(book.inForceAt(instants[i]!), this.policy);
      const decision = decider.decide(command, wallet.state);
      if (decision.ok && decision.value.length > 0) {
        wallet.state = decision.value.reduce(decider.evolve, wallet.state);
        const events = pending.get(tenantId) ?? [];
        events.push(...decision.value.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata })));
        pending.set(tenantId, events);
      }
      return decision;
    });
    if (pending.size > 0) {
      await this.store.append(
        sql,
        [...pending].map(([tenantId, events]) => {
          const version = wallets.get(tenantId)!.version;
          return { ...walletStream(tenantId), expectedVersion: version === 0 ? ('no_stream' as const) : version, events };
        }),
      );
    }
    return results;
  }
}
