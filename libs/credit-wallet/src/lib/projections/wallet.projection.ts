import { Money } from '@comms-credits/contracts';
import { Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { Minor, minorOf } from '../domain/money';
import { LotDraw, WalletEventData, WalletEventType } from '../domain/wallet.events';

const dataOf = <T extends WalletEventType>(event: RecordedEvent, _type: T) => event.data as unknown as WalletEventData<T>;
const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const text = (value: Minor | null) => (value === null ? null : value.toString());

/**
 * How a money event shows in the ledger's `amount` (balance) and `held` columns: the sign
 * applied to the money field it names. Only a report of the events' own figures: the rules
 * that decide them live in the decider (`evolveWallet`).
 */
const EFFECTS: Partial<Record<WalletEventType, { field: 'amount' | 'heldAmount'; balance: bigint; held: bigint }>> = {
  FundsAdded: { field: 'amount', balance: 1n, held: 0n },
  OwedSettled: { field: 'amount', balance: -1n, held: 0n },
  LotExpired: { field: 'amount', balance: -1n, held: 0n },
  CallCharged: { field: 'amount', balance: -1n, held: 0n },
  HoldPlaced: { field: 'amount', balance: 0n, held: 1n },
  HoldReleased: { field: 'amount', balance: 0n, held: -1n },
  CallSettlementMissing: { field: 'heldAmount', balance: 0n, held: -1n },
};
/** Events that are rows of the ledger (`GET /wallet/transactions`): money, recharges, and the anomalies ops must see. */
const LEDGER = new Set<string>([
  ...Object.keys(EFFECTS),
  'AutoRechargeRequested',
  'AutoRechargeSucceeded',
  'AutoRechargeFailed',
  'AutoRechargeCapReached',
  'OverflowUnbilled',
  'SettlementExceededGrant',
  'CallSettledLate',
]);
/** Events that take money from lots (their own lot, or the lots they list). */
const DRAWS = new Set<string>(['CallCharged', 'LotExpired', 'OwedSettled']);

export const WALLET_EVENT_TYPES: readonly WalletEventType[] = [
  'FundsAdded',
  'LotExpired',
  'CallAdmitted',
  'CallRejected',
  'HoldPlaced',
  'HoldReleased',
  'CallCharged',
  'OverflowUnbilled',
  'OwedSettled',
  'SettlementExceededGrant',
  'CallSettlementMissing',
  'CallSettledLate',
  'PaymentMethodSet',
  'AutoRechargeConfigured',
  'AutoRechargeRequested',
  'AutoRechargeSucceeded',
  'AutoRechargeFailed',
  'AutoRechargeAlert',
  'AutoRechargeCapReached',
  'BalanceReachedZero',
  'WalletBalanceChanged',
];

/**
 * The wallet's report read models, written in the append's transaction: the lots (`GET
 * /wallet/lots`, and the Idempotency-Key lookup of funding requests) and the ledger (`GET
 * /wallet/transactions`). The decision state is not here: it is the decider's own snapshot
 * (wallet-snapshot.projection.ts). A chunk is written in three statements.
 */
export const walletProjection: Projection = {
  name: 'credit-wallet',
  handles: WALLET_EVENT_TYPES,
  tables: ['rm_wallet_lots', 'rm_wallet_transactions'],
  async apply(sql: SqlClient, all: RecordedEvent[]) {
    const events = all.filter((e) => e.streamType === 'wallet');
    if (events.length === 0) return;
    const rows = events.filter((e) => LEDGER.has(e.type)).map(ledgerRow);
    await insertLots(
      sql,
      events.filter((e) => e.type === 'FundsAdded'),
    );
    await drawLots(
      sql,
      rows.filter((r) => DRAWS.has(r.type)),
    );
    await insertLedger(sql, rows);
  },
};

interface LedgerRow {
  tenantId: string;
  seq: number;
  eventId: string;
  type: string;
  currency: string | null;
  amount: Minor;
  held: Minor;
  balanceAfter: Minor | null;
  callId: string | null;
  causationEventId: string | null;
  rate: unknown;
  lots: LotDraw[];
  details: Record<string, unknown>;
  occurredAt: Date;
}

/** An event as a ledger row: its effect on balance and holds, what it names, and the rest as details. */
function ledgerRow(event: RecordedEvent): LedgerRow {
  const { callId, causationEventId, rate, lots, balanceAfter, ...details } = event.data as {
    callId?: string;
    causationEventId?: string;
    rate?: unknown;
    lots?: LotDraw[];
    balanceAfter?: Money;
    amount?: Money;
    heldAmount?: Money;
    lotId?: string;
  };
  const effect = EFFECTS[event.type as WalletEventType] ?? { field: 'amount', balance: 0n, held: 0n };
  const moved = details[effect.field];
  const amount = moved ? minorOf(moved) : 0n;
  const ownLot = details.lotId && details.amount && (event.type === 'FundsAdded' || event.type === 'LotExpired' || event.type === 'OwedSettled');
  return {
    tenantId: event.tenantId,
    seq: event.streamPosition,
    eventId: event.eventId,
    type: event.type,
    currency: moved?.currency ?? (details as { available?: Money }).available?.currency ?? null,
    amount: amount * effect.balance,
    held: amount * effect.held,
    balanceAfter: balanceAfter ? minorOf(balanceAfter) : null,
    callId: callId ?? null,
    causationEventId: causationEventId ?? null,
    rate: rate ?? null,
    lots: lots ?? (ownLot ? [{ lotId: details.lotId!, amount: details.amount! }] : []),
    details,
    occurredAt: event.occurredAt,
  };
}

async function insertLots(sql: SqlClient, funded: RecordedEvent[]): Promise<void> {
  if (funded.length === 0) return;
  const data = funded.map((e) => dataOf(e, 'FundsAdded'));
  await sql.query(
    `INSERT INTO rm_wallet_lots (tenant_id, lot_id, seq, source, idempotency_key, recharge_id, currency, amount_minor, remaining_minor,
                                 balance_after_minor, purchased_at, expires_at)
     SELECT t, l, s, src, k, r, cur, a, a, b, p, x
       FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::bigint[], $9::bigint[],
                   $10::timestamptz[], $11::timestamptz[]) AS f(t, l, s, src, k, r, cur, a, b, p, x)`,
    [
      funded.map((e) => e.tenantId),
      data.map((d) => d.lotId),
      funded.map((e) => e.streamPosition),
      data.map((d) => d.source),
      data.map((d) => d.idempotencyKey),
      data.map((d) => d.rechargeId),
      data.map((d) => d.amount.currency),
      data.map((d) => minorOf(d.amount).toString()),
      data.map((d) => minorOf(d.balanceAfter).toString()),
      data.map((d) => d.purchasedAt),
      data.map((d) => d.expiresAt),
    ],
  );
}

/** Charges and expiries take from lots: one statement for the chunk, amounts summed per lot. */
async function drawLots(sql: SqlClient, rows: LedgerRow[]): Promise<void> {
  const taken = new Map<string, { tenantId: string; lotId: string; amount: Minor; expiredAt: Date | null }>();
  for (const row of rows) {
    for (const draw of row.lots) {
      const key = `${row.tenantId}/${draw.lotId}`;
      const entry = taken.get(key) ?? { tenantId: row.tenantId, lotId: draw.lotId, amount: 0n, expiredAt: null };
      entry.amount += minorOf(draw.amount);
      if (row.type === 'LotExpired') entry.expiredAt = row.occurredAt;
      taken.set(key, entry);
    }
  }
  if (taken.size === 0) return;
  const draws = [...taken.values()];
  await sql.query(
    `UPDATE rm_wallet_lots l SET remaining_minor = l.remaining_minor - d.amount, expired_at = COALESCE(d.expired_at, l.expired_at)
       FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::timestamptz[]) AS d(tenant_id, lot_id, amount, expired_at)
      WHERE l.tenant_id = d.tenant_id AND l.lot_id = d.lot_id`,
    [draws.map((d) => d.tenantId), draws.map((d) => d.lotId), draws.map((d) => d.amount.toString()), draws.map((d) => d.expiredAt)],
  );
}

async function insertLedger(sql: SqlClient, rows: LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO rm_wallet_transactions (tenant_id, seq, event_id, type, currency, amount_minor, held_minor, balance_after_minor, call_id,
                                         causation_event_id, rate, lots, details, occurred_at)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[],
                          $10::text[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::timestamptz[])`,
    [
      rows.map((r) => r.tenantId),
      rows.map((r) => r.seq),
      rows.map((r) => r.eventId),
      rows.map((r) => r.type),
      rows.map((r) => r.currency),
      rows.map((r) => r.amount.toString()),
      rows.map((r) => r.held.toString()),
      rows.map((r) => text(r.balanceAfter)),
      rows.map((r) => r.callId),
      rows.map((r) => r.causationEventId),
      rows.map((r) => jsonOrNull(r.rate)),
      rows.map((r) => JSON.stringify(r.lots)),
      rows.map((r) => JSON.stringify(r.details)),
      rows.map((r) => r.occurredAt),
    ],
  );
}
