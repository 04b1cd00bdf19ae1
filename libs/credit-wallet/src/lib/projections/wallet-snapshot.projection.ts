import { Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { heldOf, evolveWallet, nextDueAt, WalletState } from '../domain/wallet.decider';
import { WalletEvent, WalletEventData } from '../domain/wallet.events';
import { upcastWalletEvent } from '../domain/wallet.upcasters';
import { CallSnapshot, WalletSnapshot, decodeCall, decodeWallet, encodeCall, encodeWallet } from '../domain/wallet.snapshot';
import { balanceOf } from '../domain/lots';
import { minorOf } from '../domain/money';
import { WALLET_EVENT_TYPES } from './wallet.projection';

/** One recharge queue change, in the order of the events. */
type QueueChange =
  | { kind: 'requested'; tenantId: string; event: RecordedEvent; token: string }
  | { kind: 'completed'; event: RecordedEvent; status: string; paymentId: string | null; code: string | null };

/**
 * The decision state, written in the append's transaction by folding `evolveWallet` — the
 * decider's own rules, so the next command decides on exactly what the decider tests test.
 * Per chunk: load the snapshots of its tenants and of the calls its events name, fold the
 * events in stream order, write them back (a constant number of statements). Rebuilt from the
 * streams like any projection (a rebuild folds from empty wallets).
 */
export const walletSnapshotProjection: Projection = {
  name: 'credit-wallet-snapshots',
  handles: WALLET_EVENT_TYPES,
  tables: ['wallet_snapshots', 'wallet_call_snapshots', 'rm_wallet_recharges'],
  async apply(sql: SqlClient, all: RecordedEvent[]) {
    const events = all.filter((e) => e.streamType === 'wallet');
    if (events.length === 0) return;
    const tenants = [...new Set(events.map((e) => e.tenantId))];
    const calls = [...new Map(events.flatMap((e) => callKey(e))).values()];
    const wallets = await loadWallets(sql, tenants, calls);
    const versions = new Map<string, number>();
    const queue: QueueChange[] = [];
    for (const event of events) {
      const state = wallets.get(event.tenantId)!;
      const next = evolveWallet(state, upcastWalletEvent({ type: event.type, data: event.data } as WalletEvent, event.occurredAt));
      wallets.set(event.tenantId, next);
      versions.set(event.tenantId, Math.max(versions.get(event.tenantId) ?? 0, event.streamPosition));
      const change = queueChange(event, next);
      if (change) queue.push(change);
    }
    await writeWallets(sql, tenants, wallets, versions);
    await writeCalls(sql, calls, wallets);
    for (const change of queue) await writeQueue(sql, change);
  },
};

function callKey(event: RecordedEvent): [string, { tenantId: string; callId: string }][] {
  const callId = (event.data as { callId?: unknown }).callId;
  if (typeof callId !== 'string' || event.type === 'BalanceReachedZero' || event.type === 'WalletBalanceChanged') return [];
  return [[`${event.tenantId}/${callId}`, { tenantId: event.tenantId, callId }]];
}

async function loadWallets(sql: SqlClient, tenants: string[], calls: { tenantId: string; callId: string }[]): Promise<Map<string, WalletState>> {
  const { rows } = await sql.query<{ tenant_id: string; state: WalletSnapshot | null }>(
    `SELECT tenant_id, state FROM wallet_snapshots WHERE tenant_id = ANY($1::text[])`,
    [tenants],
  );
  const snapshots = new Map(rows.map((r) => [r.tenant_id, r.state]));
  const wallets = new Map(tenants.map((t) => [t, decodeWallet(t, snapshots.get(t) ?? null)]));
  if (calls.length === 0) return wallets;
  const found = await sql.query<{ tenant_id: string; call_id: string; state: CallSnapshot }>(
    `SELECT c.tenant_id, c.call_id, c.state FROM wallet_call_snapshots c
       JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, call_id) USING (tenant_id, call_id)`,
    [calls.map((c) => c.tenantId), calls.map((c) => c.callId)],
  );
  for (const row of found.rows) {
    const wallet = wallets.get(row.tenant_id)!;
    wallets.set(row.tenant_id, { ...wallet, calls: { ...wallet.calls, [row.call_id]: decodeCall(row.state) } });
  }
  return wallets;
}

async function writeWallets(sql: SqlClient, tenants: string[], wallets: Map<string, WalletState>, versions: Map<string, number>): Promise<void> {
  const states = tenants.map((t) => wallets.get(t)!);
  await sql.query(
    `INSERT INTO wallet_snapshots AS w (tenant_id, version, state, balance_minor, held_minor, owed_minor, next_due_at)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[], $4::bigint[], $5::bigint[], $6::bigint[], $7::timestamptz[])
     ON CONFLICT (tenant_id) DO UPDATE SET version = GREATEST(w.version, excluded.version), state = excluded.state,
       balance_minor = excluded.balance_minor, held_minor = excluded.held_minor, owed_minor = excluded.owed_minor, next_due_at = excluded.next_due_at`,
    [
      tenants,
      tenants.map((t) => versions.get(t) ?? 0),
      states.map((s) => JSON.stringify(encodeWallet(s))),
      states.map((s) => balanceOf(s.lots).toString()),
      states.map((s) => heldOf(s).toString()),
      states.map((s) => s.owed.toString()),
      states.map((s) => nextDueAt(s)),
    ],
  );
}

async function writeCalls(sql: SqlClient, calls: { tenantId: string; callId: string }[], wallets: Map<string, WalletState>): Promise<void> {
  const known = calls.filter((c) => wallets.get(c.tenantId)!.calls[c.callId]);
  if (known.length === 0) return;
  await sql.query(
    `INSERT INTO wallet_call_snapshots AS c (tenant_id, call_id, state)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (tenant_id, call_id) DO UPDATE SET state = excluded.state`,
    [known.map((c) => c.tenantId), known.map((c) => c.callId), known.map((c) => JSON.stringify(encodeCall(wallets.get(c.tenantId)!.calls[c.callId]!)))],
  );
}

/** The recharge worker's queue: a requested recharge keeps the token it was asked with (a retry after a crash sends the same request). */
function queueChange(event: RecordedEvent, state: WalletState): QueueChange | null {
  switch (event.type) {
    case 'AutoRechargeRequested':
      return { kind: 'requested', tenantId: event.tenantId, event, token: state.autoRecharge.token! };
    case 'AutoRechargeSucceeded':
      return { kind: 'completed', event, status: 'succeeded', paymentId: dataOf<WalletEventData<'AutoRechargeSucceeded'>>(event).paymentId, code: null };
    case 'AutoRechargeFailed': {
      const d = dataOf<WalletEventData<'AutoRechargeFailed'>>(event);
      return { kind: 'completed', event, status: d.outcome, paymentId: null, code: d.code };
    }
    default:
      return null;
  }
}

async function writeQueue(sql: SqlClient, change: QueueChange): Promise<void> {
  if (change.kind === 'requested') {
    const d = dataOf<WalletEventData<'AutoRechargeRequested'>>(change.event);
    await sql.query(
      `INSERT INTO rm_wallet_recharges (recharge_id, tenant_id, currency, amount_minor, token, status, reason, attempt, requested_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)`,
      [d.rechargeId, change.tenantId, d.amount.currency, minorOf(d.amount).toString(), change.token, d.reason, d.attempt, change.event.occurredAt],
    );
    return;
  }
  const { rechargeId } = change.event.data as { rechargeId: string };
  await sql.query(`UPDATE rm_wallet_recharges SET status = $2, payment_id = $3, failure_code = $4, completed_at = $5 WHERE recharge_id = $1`, [
    rechargeId,
    change.status,
    change.paymentId,
    change.code,
    change.event.occurredAt,
  ]);
}
