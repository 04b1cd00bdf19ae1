import { Money } from '@comms-credits/contracts';
import { Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { Minor, minorOf } from '../domain/money';
import { LotDraw, WalletEventData, WalletEventType } from '../domain/wallet.events';

const dataOf = <T extends WalletEventType>(event: RecordedEvent, _type: T) => event.data as unknown as WalletEventData<T>;
const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const text = (value: Minor | null) => (value === null ? null : value.toString());

/** How a money event moves the balance and the held amount: the sign applied to its `amount`. */
const EFFECTS: Partial<Record<WalletEventType, { balance: bigint; held: bigint }>> = {
  FundsAdded: { balance: 1n, held: 0n },
  LotExpired: { balance: -1n, held: 0n },
  CallCharged: { balance: -1n, held: 0n },
  HoldPlaced: { balance: 0n, held: 1n },
  HoldReleased: { balance: 0n, held: -1n },
};
/** Events that are rows of the ledger (`GET /wallet/transactions`). */
const LEDGER = new Set<string>([...Object.keys(EFFECTS), 'AutoRechargeRequested', 'AutoRechargeSucceeded', 'AutoRechargeFailed', 'OverflowUnbilled']);
/** Settings and recharge state: rare, applied one statement each, in order. */
const SETTINGS = new Set<string>(['PaymentMethodSet', 'AutoRechargeConfigured', 'AutoRechargeRequested', 'AutoRechargeSucceeded', 'AutoRechargeFailed']);
const CALLS = new Set<string>(['CallAdmitted', 'CallRejected', 'HoldPlaced', 'HoldReleased', 'CallCharged', 'OverflowUnbilled']);

export const WALLET_EVENT_TYPES: readonly WalletEventType[] = [
  'FundsAdded',
  'LotExpired',
  'CallAdmitted',
  'CallRejected',
  'HoldPlaced',
  'HoldReleased',
  'CallCharged',
  'OverflowUnbilled',
  'PaymentMethodSet',
  'AutoRechargeConfigured',
  'AutoRechargeRequested',
  'AutoRechargeSucceeded',
  'AutoRechargeFailed',
  'AutoRechargeAlert',
  'BalanceReachedZero',
  'WalletBalanceChanged',
];

/**
 * The wallet's read models, written in the append's transaction: what the next decision reads
 * (under the wallet row's lock), so it must never lag. A chunk is written in a constant number
 * of statements (lots, draws, calls, ledger, balances), plus one per rare settings event.
 */
export const walletProjection: Projection = {
  name: 'credit-wallet',
  handles: WALLET_EVENT_TYPES,
  tables: ['rm_wallets', 'rm_wallet_lots', 'rm_wallet_calls', 'rm_wallet_recharges', 'rm_wallet_transactions'],
  async apply(sql: SqlClient, all: RecordedEvent[]) {
    const events = all.filter((e) => e.streamType === 'wallet');
    if (events.length === 0) return;
    const rows = events.filter((e) => LEDGER.has(e.type)).map(ledgerRow);
    await ensureWallets(sql, [...new Set(events.map((e) => e.tenantId))]);
    await insertLots(sql, events.filter((e) => e.type === 'FundsAdded'));
    await drawLots(sql, rows.filter((r) => r.type === 'CallCharged' || r.type === 'LotExpired'));
    await upsertCalls(sql, events.filter((e) => CALLS.has(e.type)));
    await insertLedger(sql, rows);
    await moveBalances(sql, events, rows);
    for (const event of events.filter((e) => SETTINGS.has(e.type))) await applySetting(sql, event);
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
    lotId?: string;
  };
  const effect = EFFECTS[event.type as WalletEventType] ?? { balance: 0n, held: 0n };
  const amount = details.amount ? minorOf(details.amount) : 0n;
  const ownLot = details.lotId && details.amount && (event.type === 'FundsAdded' || event.type === 'LotExpired');
  return {
    tenantId: event.tenantId,
    seq: event.streamPosition,
    eventId: event.eventId,
    type: event.type,
    currency: details.amount?.currency ?? null,
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

async function ensureWallets(sql: SqlClient, tenants: string[]): Promise<void> {
  await sql.query(`INSERT INTO rm_wallets (tenant_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [tenants]);
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

interface CallPatch {
  tenantId: string;
  callId: string;
  status?: string;
  funding?: string;
  reason?: string;
  hold?: Minor;
  maxDurationSeconds?: number | null;
  rate?: unknown;
  charged?: Minor;
  decidedAt?: Date;
  settledAt?: Date;
}

/** What each call event says about its call. */
function callPatch(event: RecordedEvent): Omit<CallPatch, 'tenantId' | 'callId'> {
  const at = event.occurredAt;
  switch (event.type) {
    case 'CallAdmitted': {
      const d = dataOf(event, 'CallAdmitted');
      return { status: 'admitted', funding: d.funding, maxDurationSeconds: d.maxDurationSeconds, decidedAt: at };
    }
    case 'CallRejected':
      return { status: 'rejected', reason: dataOf(event, 'CallRejected').reason, decidedAt: at };
    case 'HoldPlaced': {
      const d = dataOf(event, 'HoldPlaced');
      return { hold: minorOf(d.amount), maxDurationSeconds: d.maxDurationSeconds, rate: d.rate };
    }
    case 'HoldReleased':
      return { status: 'settled', settledAt: at };
    case 'CallCharged': {
      const d = dataOf(event, 'CallCharged');
      const overflow = d.kind === 'pool-overflow' ? { status: 'overflow-charged', funding: 'credits', rate: d.rate, decidedAt: at, settledAt: at } : {};
      return { charged: minorOf(d.amount), ...overflow };
    }
    default:
      return { status: 'overflow-unbilled', reason: dataOf(event, 'OverflowUnbilled').reason, decidedAt: at, settledAt: at };
  }
}

async function upsertCalls(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const patches = new Map<string, CallPatch>();
  for (const event of events) {
    const { callId } = event.data as { callId: string };
    const key = `${event.tenantId}/${callId}`;
    patches.set(key, { ...(patches.get(key) ?? { tenantId: event.tenantId, callId }), ...callPatch(event) });
  }
  const p = [...patches.values()];
  await sql.query(
    `INSERT INTO rm_wallet_calls AS c (tenant_id, call_id, status, funding, reason, hold_minor, max_duration_seconds, rate, charged_minor, decided_at, settled_at)
     SELECT t, k, s, f, r, COALESCE(h, 0), m, rt, ch, da, sa
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::jsonb[], $9::bigint[],
                   $10::timestamptz[], $11::timestamptz[]) AS p(t, k, s, f, r, h, m, rt, ch, da, sa)
     ON CONFLICT (tenant_id, call_id) DO UPDATE SET
       status = COALESCE(excluded.status, c.status), funding = COALESCE(excluded.funding, c.funding),
       reason = COALESCE(excluded.reason, c.reason),
       -- only a hold carries a rate with a hold amount (an overflow's hold is 0): keep the hold otherwise
       hold_minor = CASE WHEN excluded.rate IS NULL THEN c.hold_minor ELSE excluded.hold_minor END,
       max_duration_seconds = COALESCE(excluded.max_duration_seconds, c.max_duration_seconds), rate = COALESCE(excluded.rate, c.rate),
       charged_minor = COALESCE(excluded.charged_minor, c.charged_minor), decided_at = COALESCE(excluded.decided_at, c.decided_at),
       settled_at = COALESCE(excluded.settled_at, c.settled_at)`,
    [
      p.map((c) => c.tenantId),
      p.map((c) => c.callId),
      p.map((c) => c.status ?? null),
      p.map((c) => c.funding ?? null),
      p.map((c) => c.reason ?? null),
      p.map((c) => text(c.hold ?? null)),
      p.map((c) => c.maxDurationSeconds ?? null),
      p.map((c) => jsonOrNull(c.rate)),
      p.map((c) => text(c.charged ?? null)),
      p.map((c) => c.decidedAt ?? null),
      p.map((c) => c.settledAt ?? null),
    ],
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

/** Balance and held move by the chunk's net effect per tenant; the wallet's version follows its stream. */
async function moveBalances(sql: SqlClient, events: RecordedEvent[], rows: LedgerRow[]): Promise<void> {
  const wallets = new Map<string, { balance: Minor; held: Minor; version: number; currency: string | null }>();
  for (const event of events) {
    const wallet = wallets.get(event.tenantId) ?? { balance: 0n, held: 0n, version: 0, currency: null };
    wallet.version = Math.max(wallet.version, event.streamPosition);
    if (event.type === 'FundsAdded') wallet.currency ??= dataOf(event, 'FundsAdded').amount.currency;
    wallets.set(event.tenantId, wallet);
  }
  for (const row of rows) {
    const wallet = wallets.get(row.tenantId)!;
    wallet.balance += row.amount;
    wallet.held += row.held;
  }
  const tenants = [...wallets.keys()];
  const w = [...wallets.values()];
  await sql.query(
    `UPDATE rm_wallets w SET balance_minor = w.balance_minor + d.balance, held_minor = w.held_minor + d.held,
            version = GREATEST(w.version, d.version), currency = COALESCE(w.currency, d.currency),
            billing_set_up = w.billing_set_up OR d.currency IS NOT NULL
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) AS d(tenant_id, balance, held, version, currency)
      WHERE w.tenant_id = d.tenant_id`,
    [tenants, w.map((x) => x.balance.toString()), w.map((x) => x.held.toString()), w.map((x) => x.version), w.map((x) => x.currency)],
  );
}

async function applySetting(sql: SqlClient, event: RecordedEvent): Promise<void> {
  const tenant = event.tenantId;
  switch (event.type) {
    case 'PaymentMethodSet': {
      const d = dataOf(event, 'PaymentMethodSet');
      await sql.query(
        `UPDATE rm_wallets SET payment_token = $2, payment_token_hint = $3, recharge_failures = 0, recharge_retry_at = NULL WHERE tenant_id = $1`,
        [tenant, d.token, d.tokenHint],
      );
      return;
    }
    case 'AutoRechargeConfigured': {
      const d = dataOf(event, 'AutoRechargeConfigured');
      await sql.query(`UPDATE rm_wallets SET recharge_enabled = $2, recharge_trigger_minor = $3, recharge_amount_minor = $4 WHERE tenant_id = $1`, [
        tenant,
        d.enabled,
        d.triggerAmount && minorOf(d.triggerAmount).toString(),
        d.rechargeAmount && minorOf(d.rechargeAmount).toString(),
      ]);
      return;
    }
    case 'AutoRechargeRequested': {
      const d = dataOf(event, 'AutoRechargeRequested');
      const amount = minorOf(d.amount).toString();
      // The recharge keeps the token it was asked with: a retry after a crash must send the same request.
      await sql.query(
        `INSERT INTO rm_wallet_recharges (recharge_id, tenant_id, currency, amount_minor, token, status, reason, attempt, requested_at)
         SELECT $2, $1, $3, $4, payment_token, 'pending', $5, $6, $7 FROM rm_wallets WHERE tenant_id = $1`,
        [tenant, d.rechargeId, d.amount.currency, amount, d.reason, d.attempt, event.occurredAt],
      );
      await sql.query(
        `UPDATE rm_wallets SET recharge_pending_id = $2, recharge_pending_minor = $3, recharges_requested = recharges_requested + 1 WHERE tenant_id = $1`,
        [tenant, d.rechargeId, amount],
      );
      return;
    }
    case 'AutoRechargeSucceeded': {
      const d = dataOf(event, 'AutoRechargeSucceeded');
      await completeRecharge(sql, tenant, d.rechargeId, event.occurredAt, { status: 'succeeded', paymentId: d.paymentId, code: null, failures: 0, retryAt: null });
      return;
    }
    case 'AutoRechargeFailed': {
      const d = dataOf(event, 'AutoRechargeFailed');
      await completeRecharge(sql, tenant, d.rechargeId, event.occurredAt, {
        status: d.outcome,
        paymentId: null,
        code: d.code,
        failures: d.consecutiveFailures,
        retryAt: d.retryAt,
      });
    }
  }
}

async function completeRecharge(
  sql: SqlClient,
  tenant: string,
  rechargeId: string,
  at: Date,
  outcome: { status: string; paymentId: string | null; code: string | null; failures: number; retryAt: string | null },
): Promise<void> {
  await sql.query(`UPDATE rm_wallet_recharges SET status = $2, payment_id = $3, failure_code = $4, completed_at = $5 WHERE recharge_id = $1`, [
    rechargeId,
    outcome.status,
    outcome.paymentId,
    outcome.code,
    at,
  ]);
  await sql.query(
    `UPDATE rm_wallets SET recharge_pending_id = NULL, recharge_pending_minor = NULL, recharge_failures = $2, recharge_retry_at = $3 WHERE tenant_id = $1`,
    [tenant, outcome.failures, outcome.retryAt],
  );
}
