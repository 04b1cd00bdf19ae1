import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Currency } from '@comms-credits/contracts';
import { Transactions, retryOnVersionConflict } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { CreditWalletConfig } from '../credit-wallet.config';
import { RechargeOutcome } from '../domain/auto-recharge';
import { money } from '../domain/money';
import { WalletCommand } from '../domain/wallet.decider';
import { PaymentGateway } from '../payments/payment-gateway.port';
import { WalletLedger } from './wallet.ledger';

interface PendingRecharge {
  recharge_id: string;
  tenant_id: string;
  currency: Currency;
  amount_minor: string;
  token: string;
}

/**
 * The recharge process: polls the pending recharges (and nudged after a command asks for one),
 * calls the payment gateway OUTSIDE any transaction with the recharge id as idempotency key,
 * then records the answer as events in a transaction of its own. A crash between the two
 * leaves the recharge pending; it is asked again with the same key, and the gateway answers
 * with the first outcome: the money is neither lost nor charged twice. The same loop expires
 * due lots and due holds, and retries recharges whose back-off has run out (a `Tick` of those wallets).
 */
@Injectable()
export class RechargeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('recharge-worker');
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Recharges whose last attempt had no answer: not asked again before this time (ms). */
  private readonly unanswered = new Map<string, { attempts: number; notBefore: number }>();
  private stopping = false;
  private loop?: Promise<void>;
  /** Aborted by a nudge: the pause ends at once (or the next one does, when nudged mid-pass). */
  private pause = new AbortController();

  constructor(
    private readonly transactions: Transactions,
    private readonly ledger: WalletLedger,
    private readonly gateway: PaymentGateway,
    @Inject(SERVICE_CONFIG) private readonly config: CreditWalletConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopping = false;
    this.loop ??= this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.abort();
    await this.loop;
    this.loop = undefined;
    await Promise.allSettled(this.inFlight.values());
  }

  /** Look now rather than at the next poll (e.g. after a command asked for a recharge). */
  nudge(): void {
    this.pause.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.tickDueWallets();
        await this.startPendingRecharges();
      } catch (error) {
        this.logger.warn({ msg: 'recharge worker pass failed; trying again', error: (error as Error).message });
      }
      await this.idle(this.config.WALLET_WORKER_POLL_MS);
    }
  }

  /**
   * Wallets where time has done something: a lot reached its expiry, a hold passed grant +
   * grace without its CallEnded, or a back-off ran out (`nextDueAt`, the decider's own answer,
   * stored with the snapshot). Oldest due first. `now` is the clock's unless a test drives time.
   */
  async tickDueWallets(now = new Date().toISOString()): Promise<void> {
    const due = await this.transactions.query<{ tenant_id: string }>(
      `SELECT tenant_id FROM wallet_snapshots WHERE next_due_at <= $1 ORDER BY next_due_at LIMIT 100`,
      [now],
    );
    for (const { tenant_id } of due) await this.execute(tenant_id, { type: 'Tick', now });
  }

  private async startPendingRecharges(): Promise<void> {
    const pending = await this.transactions.query<PendingRecharge>(
      `SELECT recharge_id, tenant_id, currency, amount_minor, token FROM rm_wallet_recharges WHERE status = 'pending' ORDER BY requested_at LIMIT 100`,
    );
    for (const recharge of pending) {
      const id = recharge.recharge_id;
      if (this.inFlight.has(id) || (this.unanswered.get(id)?.notBefore ?? 0) > Date.now()) continue;
      this.inFlight.set(
        id,
        this.process(recharge).finally(() => this.inFlight.delete(id)),
      );
    }
  }

  private async process(recharge: PendingRecharge): Promise<void> {
    try {
      const outcome = await this.gateway.charge({
        idempotencyKey: recharge.recharge_id,
        token: recharge.token,
        amount: money(BigInt(recharge.amount_minor), recharge.currency),
        description: `auto-recharge of tenant ${recharge.tenant_id}`,
      });
      await this.record(recharge.tenant_id, recharge.recharge_id, outcome);
      this.unanswered.delete(recharge.recharge_id);
    } catch (error) {
      const attempts = (this.unanswered.get(recharge.recharge_id)?.attempts ?? 0) + 1;
      const wait = Math.min(this.config.WALLET_WORKER_POLL_MS * 2 ** attempts, this.config.WALLET_RECHARGE_BACKOFF_MAX_MS);
      this.unanswered.set(recharge.recharge_id, { attempts, notBefore: Date.now() + wait });
      this.logger.warn({
        msg: 'recharge has no recorded answer yet; asking again with the same key',
        rechargeId: recharge.recharge_id,
        attempts,
        error: (error as Error).message,
      });
    }
  }

  /** Records the gateway's answer; a stale or repeated answer records nothing. */
  async record(tenantId: string, rechargeId: string, outcome: RechargeOutcome): Promise<void> {
    await this.execute(tenantId, { type: 'RecordRechargeOutcome', rechargeId, outcome, now: new Date().toISOString() }, rechargeId);
  }

  private async execute(tenantId: string, command: WalletCommand, causationId?: string): Promise<void> {
    const [result] = await retryOnVersionConflict(() =>
      this.transactions.run((sql) => this.ledger.execute(sql, [{ tenantId, command, metadata: causationId ? { causationId } : undefined }])),
    );
    if (result && !result.ok) this.logger.error({ msg: 'wallet refused a worker command', tenantId, command: command.type, code: result.error.code });
  }

  private async idle(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.pause.signal }).catch(() => undefined);
    if (this.pause.signal.aborted) this.pause = new AbortController();
  }
}
