import { Inject, Injectable } from '@nestjs/common';
import { Decider, DomainError, Result } from '@comms-credits/domain-kit';
import { EventMetadata, EventStore, NewEvent, SqlClient } from '@comms-credits/event-store';
import { RateTable } from '../domain/rate-card';
import { WalletCommand, WalletPolicy, WalletState, walletDecider } from '../domain/wallet.decider';
import { WalletEvent } from '../domain/wallet.events';
import { lockWallets, walletStream } from './wallet.repository';

export const WALLET_POLICY = Symbol('WALLET_POLICY');

export interface WalletCommandItem {
  tenantId: string;
  command: WalletCommand;
  metadata?: EventMetadata;
}

/**
 * Runs wallet commands in the caller's transaction: locks the tenants' wallet rows, decides each
 * command in order on the state the read models hold (so a long `wallet:<tenant>` stream is
 * never folded), and appends every tenant's events in one statement at the version it read.
 * The row lock serializes a tenant's money; the expected version is the backstop.
 */
@Injectable()
export class WalletLedger {
  private readonly decider: Decider<WalletCommand, WalletEvent, WalletState>;

  constructor(
    private readonly store: EventStore,
    rates: RateTable,
    @Inject(WALLET_POLICY) policy: WalletPolicy,
  ) {
    this.decider = walletDecider(rates, policy);
  }

  async execute(sql: SqlClient, items: WalletCommandItem[]): Promise<Result<WalletEvent[], DomainError>[]> {
    if (items.length === 0) return [];
    const wallets = await lockWallets(sql, items);
    const pending = new Map<string, NewEvent[]>();
    const results = items.map(({ tenantId, command, metadata }) => {
      const wallet = wallets.get(tenantId)!;
      const decision = this.decider.decide(command, wallet.state);
      if (decision.ok && decision.value.length > 0) {
        wallet.state = decision.value.reduce(this.decider.evolve, wallet.state);
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
