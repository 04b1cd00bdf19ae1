import { Injectable } from '@nestjs/common';
import { Currency, Money } from '@comms-credits/contracts';
import { Transactions } from '@comms-credits/event-store';
import { rechargesInMonth } from '../domain/auto-recharge';
import { balanceOf } from '../domain/lots';
import { Minor, money } from '../domain/money';
import { tokenHint } from '../domain/payment-token';
import { availableOf, heldOf } from '../domain/wallet.decider';
import { WalletSnapshot, decodeWallet } from '../domain/wallet.snapshot';
import { RateTable } from '../domain/rate-card';
import { LotDraw } from '../domain/wallet.events';

export interface AutoRechargeView {
  enabled: boolean;
  triggerAmount: Money | null;
  rechargeAmount: Money | null;
  /** The last characters of the payment method's token, or null when none is set. */
  paymentMethod: { tokenHint: string } | null;
  pending: boolean;
  consecutiveFailures: number;
  retryAt: string | null;
  /** At most this many recharges a month (UTC), or null. */
  maxRechargesPerMonth: number | null;
  rechargesThisMonth: number;
}

export interface WalletView {
  tenantId: string;
  currency: Currency;
  billingSetUp: boolean;
  balance: Money;
  held: Money;
  /** Charges the lots could not cover: paid first by the next funds. */
  owed: Money;
  /** balance − held − owed, never below zero: what calls may still spend. */
  available: Money;
  autoRecharge: AutoRechargeView;
}

export interface FundingView {
  lotId: string;
  amount: Money;
  source: string;
  purchasedAt: string;
  expiresAt: string;
  balanceAfter: Money;
}

export interface LotView extends Omit<FundingView, 'balanceAfter'> {
  remaining: Money;
  expiredAt: string | null;
}

export interface TransactionView {
  id: string;
  sequence: number;
  type: string;
  occurredAt: string;
  /** Effect on the balance (credits positive, debits negative). */
  amount: Money;
  /** Effect on the held money (holds placed positive, released negative). */
  held: Money;
  balanceAfter: Money | null;
  callId: string | null;
  causationEventId: string | null;
  rate: Record<string, unknown> | null;
  lots: LotDraw[];
  details: Record<string, unknown>;
}

export interface TransactionPage {
  items: TransactionView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface LotRow {
  lot_id: string;
  currency: Currency;
  amount_minor: string;
  remaining_minor: string;
  balance_after_minor: string;
  source: string;
  purchased_at: Date;
  expires_at: Date;
  expired_at: Date | null;
}

/** Reads of the wallet's read models (outside any command). */
@Injectable()
export class WalletQueries {
  constructor(
    private readonly transactions: Transactions,
    private readonly rates: RateTable,
  ) {}

  /**
   * The wallet as its decider holds it (the tenant's snapshot): every figure is the domain's
   * own function of that state. A tenant that never funded its wallet has an empty one, in the
   * rate card's currency.
   */
  async wallet(tenantId: string): Promise<WalletView> {
    const [row] = await this.transactions.query<{ state: WalletSnapshot | null }>(`SELECT state FROM wallet_snapshots WHERE tenant_id = $1`, [tenantId]);
    const state = decodeWallet(tenantId, row?.state ?? null);
    const currency = state.currency ?? this.rates.currency;
    const m = (minor: Minor | null) => (minor === null ? null : money(minor, currency));
    const recharge = state.autoRecharge;
    return {
      tenantId,
      currency,
      billingSetUp: state.billingSetUp,
      balance: money(balanceOf(state.lots), currency),
      held: money(heldOf(state), currency),
      owed: money(state.owed, currency),
      available: money(availableOf(state), currency),
      autoRecharge: {
        enabled: recharge.enabled,
        triggerAmount: m(recharge.trigger),
        rechargeAmount: m(recharge.amount),
        paymentMethod: recharge.token ? { tokenHint: tokenHint(recharge.token) } : null,
        pending: recharge.pending !== null,
        consecutiveFailures: recharge.failures,
        retryAt: recharge.retryAt,
        maxRechargesPerMonth: recharge.maxPerMonth,
        rechargesThisMonth: rechargesInMonth(recharge, new Date().toISOString()),
      },
    };
  }

  /** The ledger, newest first, `limit` rows from before `cursor` (a sequence number). */
  /** The ledger newest first; with `callId`, only that call's entries (the `(tenant_id, call_id)` index). */
  async transactionsOf(tenantId: string, limit: number, cursor?: string, callId?: string): Promise<TransactionPage> {
    const rows = await this.transactions.query<{
      event_id: string;
      seq: string;
      type: string;
      occurred_at: Date;
      currency: Currency | null;
      amount_minor: string;
      held_minor: string;
      balance_after_minor: string | null;
      call_id: string | null;
      causation_event_id: string | null;
      rate: Record<string, unknown> | null;
      lots: LotDraw[];
      details: Record<string, unknown>;
    }>(
      `SELECT * FROM rm_wallet_transactions
        WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) AND ($4::text IS NULL OR call_id = $4)
        ORDER BY seq DESC LIMIT $3`,
      [tenantId, cursor ?? null, limit + 1, callId ?? null],
    );
    const page = rows.slice(0, limit);
    const items = page.map((r) => {
      const currency = r.currency ?? this.rates.currency;
      return {
        id: r.event_id,
        sequence: Number(r.seq),
        type: r.type,
        occurredAt: r.occurred_at.toISOString(),
        amount: money(BigInt(r.amount_minor), currency),
        held: money(BigInt(r.held_minor), currency),
        balanceAfter: r.balance_after_minor === null ? null : money(BigInt(r.balance_after_minor), currency),
        callId: r.call_id,
        causationEventId: r.causation_event_id,
        rate: r.rate,
        lots: r.lots,
        details: r.details,
      };
    });
    return { items, nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null };
  }

  /** The tenant's funding lots, oldest (spent first) first. */
  async lots(tenantId: string): Promise<LotView[]> {
    const rows = await this.transactions.query<LotRow>(`SELECT * FROM rm_wallet_lots WHERE tenant_id = $1 ORDER BY seq`, [tenantId]);
    return rows.map((row) => {
      const { balanceAfter: _, ...lot } = fundingOf(row);
      return { ...lot, remaining: money(BigInt(row.remaining_minor), row.currency), expiredAt: row.expired_at?.toISOString() ?? null };
    });
  }

  /** The lot a funding request (by its Idempotency-Key) created: the answer to every repeat of it. */
  async funding(tenantId: string, idempotencyKey: string): Promise<FundingView | undefined> {
    const [row] = await this.transactions.query<LotRow>(`SELECT * FROM rm_wallet_lots WHERE tenant_id = $1 AND idempotency_key = $2`, [
      tenantId,
      idempotencyKey,
    ]);
    return row && fundingOf(row);
  }
}

function fundingOf(row: LotRow): FundingView {
  return {
    lotId: row.lot_id,
    amount: money(BigInt(row.amount_minor), row.currency),
    source: row.source,
    purchasedAt: row.purchased_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    balanceAfter: money(BigInt(row.balance_after_minor), row.currency),
  };
}
