import { Injectable } from '@nestjs/common';
import { Money } from '@comms-credits/contracts';
import { DomainError, Result, ok } from '@comms-credits/domain-kit';
import { Transactions, retryOnVersionConflict } from '@comms-credits/event-store';
import { WalletCommand } from '../domain/wallet.decider';
import { WalletEvent } from '../domain/wallet.events';
import { RechargeWorker } from './recharge.worker';
import { FundingView, WalletQueries } from './wallet.queries';
import { WalletLedger } from './wallet.ledger';

/** The wallet commands of the ops API, each in its own transaction under the wallet's lock. */
@Injectable()
export class WalletCommands {
  constructor(
    private readonly transactions: Transactions,
    private readonly ledger: WalletLedger,
    private readonly queries: WalletQueries,
    private readonly worker: RechargeWorker,
  ) {}

  /** Adds a lot, once per Idempotency-Key: a repeat answers with the lot the first one added. */
  async addFunds(tenantId: string, idempotencyKey: string, amount: Money): Promise<Result<FundingView, DomainError>> {
    const result = await this.run(tenantId, { type: 'AddFunds', idempotencyKey, amount, now: new Date().toISOString() });
    if (!result.ok) return result;
    return ok((await this.queries.funding(tenantId, idempotencyKey))!);
  }

  setPaymentMethod(tenantId: string, token: string) {
    return this.run(tenantId, { type: 'SetPaymentMethod', token, now: new Date().toISOString() });
  }

  configureAutoRecharge(tenantId: string, settings: { enabled: boolean; triggerAmount?: Money; rechargeAmount?: Money; maxRechargesPerMonth?: number | null }) {
    return this.run(tenantId, {
      type: 'ConfigureAutoRecharge',
      enabled: settings.enabled,
      triggerAmount: settings.triggerAmount ?? null,
      rechargeAmount: settings.rechargeAmount ?? null,
      maxRechargesPerMonth: settings.maxRechargesPerMonth,
      now: new Date().toISOString(),
    });
  }

  private async run(tenantId: string, command: WalletCommand): Promise<Result<WalletEvent[], DomainError>> {
    const [result] = await retryOnVersionConflict(() => this.transactions.run((sql) => this.ledger.execute(sql, [{ tenantId, command }])));
    if (result!.ok && result!.value.some((e) => e.type === 'AutoRechargeRequested')) this.worker.nudge();
    return result!;
  }
}
