import { SqlClient } from '@comms-credits/event-store';
import { pricedCallOf, pricingInstantOf } from '../domain/rate-book';
import { WalletCommand } from '../domain/wallet.decider';

export interface PricedItem {
  tenantId: string;
  command: WalletCommand;
  /** When the command's call started, as the message that asks for it says (hand-overs do). */
  callStartedAt?: string;
}

const keyOf = (tenantId: string, callId: string) => `${tenantId}\u0000${callId}`;

/**
 * For each item, the instant that picks its rate card: the call's start as its message states
 * it, else as the call log recorded it from `CallStarted` (a pool overflow carries no start), else
 * the decision's time. One query, and only when some priced call's start is not in its message.
 */
export async function pricingInstants(sql: SqlClient, items: readonly PricedItem[]): Promise<string[]> {
  const unknown = items.filter((i) => !i.callStartedAt && pricedCallOf(i.command) !== null);
  const logged = unknown.length > 0 ? await loggedStarts(sql, unknown) : new Map<string, string>();
  return items.map((i) => {
    const callId = pricedCallOf(i.command);
    return pricingInstantOf(i.command, i.callStartedAt ?? (callId === null ? undefined : logged.get(keyOf(i.tenantId, callId))));
  });
}

async function loggedStarts(sql: SqlClient, items: readonly PricedItem[]): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ tenant_id: string; call_id: string; started_at: Date }>(
    `SELECT c.tenant_id, c.call_id, c.started_at
       FROM rm_call_log c JOIN unnest($1::text[], $2::text[]) AS k (tenant_id, call_id) USING (tenant_id, call_id)
      WHERE c.started_at IS NOT NULL`,
    [items.map((i) => i.tenantId), items.map((i) => pricedCallOf(i.command)!)],
  );
  return new Map(rows.map((r) => [keyOf(r.tenant_id, r.call_id), r.started_at.toISOString()]));
}
