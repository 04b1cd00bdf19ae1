import { Currency } from '@comms-credits/contracts';
import { callStreamId } from '@comms-credits/call-log';
import { SqlClient } from '@comms-credits/event-store';
import { CallEnd, FundingRecord, WalletCommand, WalletState } from '../domain/wallet.decider';
import { CallSnapshot, WalletSnapshot, decodeCall, decodeWallet } from '../domain/wallet.snapshot';

/** A wallet locked for the transaction, with the stream version its next append expects. */
export interface LockedWallet {
  state: WalletState;
  version: number;
}

/**
 * Locks the wallets of the given commands' tenants (creating empty snapshot rows as needed, in
 * tenant order so two transactions never wait on each other crosswise) and loads what the
 * commands decide on: each tenant's snapshot (the decider's state, as `evolveWallet` left it),
 * and the calls, fundings and call ends they name. Everything is read after the lock, so it
 * includes every commit before it. No money rule is computed here.
 */
export async function lockWallets(sql: SqlClient, items: { tenantId: string; command: WalletCommand }[]): Promise<Map<string, LockedWallet>> {
  const tenants = [...new Set(items.map((i) => i.tenantId))].sort();
  await sql.query(`INSERT INTO wallet_snapshots (tenant_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [tenants]);
  const { rows } = await sql.query<{ tenant_id: string; version: string; state: WalletSnapshot | null }>(
    `SELECT tenant_id, version, state FROM wallet_snapshots WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id FOR UPDATE`,
    [tenants],
  );
  const wallets = new Map(rows.map((row) => [row.tenant_id, { state: decodeWallet(row.tenant_id, row.state), version: Number(row.version) }]));
  await loadCalls(sql, items, wallets);
  await loadFundings(sql, items, wallets);
  await loadCallEnds(sql, items, wallets);
  return wallets;
}

function callIdOf(command: WalletCommand): string | undefined {
  if (command.type === 'FundCall') return command.request.callId;
  if (command.type === 'SettleCall' || command.type === 'ChargeOverflow') return command.callId;
  return undefined;
}

/** Tenant and key of each command that has one, for the lookups below. */
function keysOf(items: { tenantId: string; command: WalletCommand }[], key: (command: WalletCommand) => string | undefined) {
  const pairs = items.flatMap((i) => {
    const k = key(i.command);
    return k === undefined ? [] : [{ tenantId: i.tenantId, key: k }];
  });
  return { tenants: pairs.map((p) => p.tenantId), keys: pairs.map((p) => p.key), empty: pairs.length === 0 };
}

async function loadCalls(sql: SqlClient, items: { tenantId: string; command: WalletCommand }[], wallets: Map<string, LockedWallet>): Promise<void> {
  const { tenants, keys, empty } = keysOf(items, callIdOf);
  if (empty) return;
  const { rows } = await sql.query<{ tenant_id: string; call_id: string; state: CallSnapshot }>(
    `SELECT c.tenant_id, c.call_id, c.state
       FROM wallet_call_snapshots c JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, call_id) USING (tenant_id, call_id)`,
    [tenants, keys],
  );
  for (const row of rows) {
    const wallet = wallets.get(row.tenant_id)!;
    wallet.state = { ...wallet.state, calls: { ...wallet.state.calls, [row.call_id]: decodeCall(row.state) } };
  }
}

async function loadFundings(sql: SqlClient, items: { tenantId: string; command: WalletCommand }[], wallets: Map<string, LockedWallet>): Promise<void> {
  const { tenants, keys, empty } = keysOf(items, (c) => (c.type === 'AddFunds' ? c.idempotencyKey : undefined));
  if (empty) return;
  const { rows } = await sql.query<{ tenant_id: string; idempotency_key: string; lot_id: string; amount_minor: string; currency: Currency }>(
    `SELECT l.tenant_id, l.idempotency_key, l.lot_id, l.amount_minor, l.currency
       FROM rm_wallet_lots l JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, idempotency_key) USING (tenant_id, idempotency_key)`,
    [tenants, keys],
  );
  for (const row of rows) {
    const wallet = wallets.get(row.tenant_id)!;
    const funding: FundingRecord = { lotId: row.lot_id, amount: BigInt(row.amount_minor), currency: row.currency };
    wallet.state = { ...wallet.state, fundings: { ...wallet.state.fundings, [row.idempotency_key]: funding } };
  }
}

/**
 * How calls to be funded have ended, if they have: the call-log slice records the first
 * `CallEnded` of each call on its stream, so an end that came before the hand-over is found.
 */
async function loadCallEnds(sql: SqlClient, items: { tenantId: string; command: WalletCommand }[], wallets: Map<string, LockedWallet>): Promise<void> {
  const { tenants, keys, empty } = keysOf(items, (c) => (c.type === 'FundCall' ? c.request.callId : undefined));
  if (empty) return;
  const { rows } = await sql.query<{ tenant_id: string; data: { callId: string; durationSeconds: number; sourceEventId: string } }>(
    `SELECT tenant_id, data FROM es_events WHERE stream_id = ANY($1::text[]) AND event_type = 'CallEndObserved'`,
    [tenants.map((tenant, i) => callStreamId(tenant, keys[i]!))],
  );
  for (const { tenant_id, data } of rows) {
    const wallet = wallets.get(tenant_id)!;
    const end: CallEnd = { durationSeconds: data.durationSeconds, endEventId: data.sourceEventId };
    wallet.state = { ...wallet.state, callEnds: { ...wallet.state.callEnds, [data.callId]: end } };
  }
}
