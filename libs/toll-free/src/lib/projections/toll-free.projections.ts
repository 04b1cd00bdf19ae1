import { Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { InboundCallEvent } from '../domain/inbound-call.decider';
import { InventoryEvent } from '../domain/inventory.decider';
import { TollFreeAccountEvent } from '../domain/toll-free-account.decider';

type AccountData<T extends TollFreeAccountEvent['type']> = Extract<TollFreeAccountEvent, { type: T }>['data'];
const dataOf = <T>(event: RecordedEvent) => event.data as unknown as T;

/**
 * `rm_toll_free_numbers`: every stocked number and, while one holds it, its tenant and
 * assignment. Events of a chunk are applied in order, one statement each: numbers change
 * hands rarely, so simplicity wins over batching here.
 */
export const numbersProjection: Projection = {
  name: 'toll-free-numbers',
  handles: ['TollFreeNumbersStocked', 'TollFreeNumberAcquired', 'TollFreeNumberAssigned', 'TollFreeNumberReleased'],
  tables: ['rm_toll_free_numbers'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      switch (event.type) {
        case 'TollFreeNumbersStocked': {
          const d = dataOf<InventoryEvent['data']>(event);
          await sql.query(`INSERT INTO rm_toll_free_numbers (number, country) SELECT unnest($1::text[]), $2 ON CONFLICT (number) DO NOTHING`, [
            d.numbers,
            d.country,
          ]);
          break;
        }
        case 'TollFreeNumberAcquired': {
          const d = dataOf<AccountData<'TollFreeNumberAcquired'>>(event);
          await sql.query(`UPDATE rm_toll_free_numbers SET tenant_id = $2, acquired_at = $3, target = NULL, target_id = NULL WHERE number = $1`, [
            d.number,
            event.tenantId,
            event.occurredAt,
          ]);
          break;
        }
        case 'TollFreeNumberAssigned': {
          const d = dataOf<AccountData<'TollFreeNumberAssigned'>>(event);
          await sql.query(`UPDATE rm_toll_free_numbers SET target = $3, target_id = $4 WHERE number = $1 AND tenant_id = $2`, [
            d.number,
            event.tenantId,
            d.target,
            d.targetId,
          ]);
          break;
        }
        case 'TollFreeNumberReleased': {
          const d = dataOf<AccountData<'TollFreeNumberReleased'>>(event);
          await sql.query(
            `UPDATE rm_toll_free_numbers SET tenant_id = NULL, acquired_at = NULL, target = NULL, target_id = NULL
              WHERE number = $1 AND tenant_id = $2`,
            [d.number, event.tenantId],
          );
          break;
        }
      }
    }
  },
};

/** `rm_toll_free_tenants`: the seats counted for the quota, whether the wallet can pay, suspension. */
export const tenantsProjection: Projection = {
  name: 'toll-free-tenants',
  handles: ['QuotaSeatsObserved', 'WalletFundingObserved', 'TollFreeNumbersSuspended', 'TollFreeNumbersResumed'],
  tables: ['rm_toll_free_tenants'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      const change = tenantChange(event);
      const columns = Object.keys(change);
      // Seats merge per SKU; every other column takes the event's value.
      const updates = columns.map((c) => (c === 'seats' ? 'seats = t.seats || excluded.seats' : `${c} = excluded.${c}`));
      await sql.query(
        `INSERT INTO rm_toll_free_tenants AS t (tenant_id, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})
         ON CONFLICT (tenant_id) DO UPDATE SET ${updates.join(', ')}`,
        [event.tenantId, ...Object.values(change)],
      );
    }
  },
};

function tenantChange(event: RecordedEvent): Record<string, unknown> {
  switch (event.type) {
    case 'QuotaSeatsObserved': {
      const d = dataOf<AccountData<'QuotaSeatsObserved'>>(event);
      return { seats: JSON.stringify({ [d.sku]: d.seats }) };
    }
    case 'WalletFundingObserved': {
      const d = dataOf<AccountData<'WalletFundingObserved'>>(event);
      return { billing_set_up: d.billingSetUp, balance_positive: d.positive };
    }
    default:
      return { suspended: event.type === 'TollFreeNumbersSuspended' };
  }
}

/**
 * `rm_toll_free_calls`: the calls routed to the wallet, by number and start, and the duration the
 * wallet charged (`TollFreeCallCharged`; null while not charged, and for a call it rejected).
 */
export const routedCallsProjection: Projection = {
  name: 'toll-free-calls',
  handles: ['TollFreeCallRouted', 'TollFreeCallCharged'],
  tables: ['rm_toll_free_calls'],
  async apply(sql: SqlClient, all: RecordedEvent[]) {
    const charged = all
      .filter((e) => e.type === 'TollFreeCallCharged')
      .map((e) => ({ tenantId: e.tenantId, ...dataOf<{ callId: string; durationSeconds: number }>(e) }));
    const events = all.filter((e) => e.type === 'TollFreeCallRouted');
    await applyRouted(sql, events);
    if (charged.length > 0) {
      await sql.query(
        `UPDATE rm_toll_free_calls c SET charged_seconds = k.seconds
           FROM unnest($1::text[], $2::text[], $3::int[]) AS k(tenant_id, call_id, seconds)
          WHERE c.tenant_id = k.tenant_id AND c.call_id = k.call_id`,
        [charged.map((c) => c.tenantId), charged.map((c) => c.callId), charged.map((c) => c.durationSeconds)],
      );
    }
  },
};

async function applyRouted(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  {
    const data = events.map((e) => dataOf<Extract<InboundCallEvent, { type: 'TollFreeCallRouted' }>['data']>(e));
    await sql.query(
      `INSERT INTO rm_toll_free_calls (tenant_id, call_id, number, started_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
      [events.map((e) => e.tenantId), data.map((d) => d.callId), data.map((d) => d.to), data.map((d) => d.startedAt)],
    );
  }
}
