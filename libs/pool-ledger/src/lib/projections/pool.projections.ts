import { monthOf } from '@comms-credits/contracts';
import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { CapacityEvent } from '../domain/capacity.decider';
import { PoolCallEvent } from '../domain/pool-call.decider';
import { PoolMonthEvent } from '../domain/pool-month.decider';

/** `rm_pool_seats` and `rm_pool_select_users`: what the capacity is made of. */
export const poolCapacityProjection: Projection = {
  name: 'pool-capacity',
  handles: ['QualifyingSeatsChanged', 'SelectDialOutLicenseChanged'],
  tables: ['rm_pool_seats', 'rm_pool_select_users'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'QualifyingSeatsChanged') {
        const d = dataOf<DataOf<CapacityEvent, 'QualifyingSeatsChanged'>>(event);
        await sql.query(
          `INSERT INTO rm_pool_seats (tenant_id, sku, seats) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, sku) DO UPDATE SET seats = excluded.seats`,
          [event.tenantId, d.sku, d.seats],
        );
      } else {
        const d = dataOf<DataOf<CapacityEvent, 'SelectDialOutLicenseChanged'>>(event);
        await sql.query(
          d.assigned
            ? `INSERT INTO rm_pool_select_users (tenant_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
            : `DELETE FROM rm_pool_select_users WHERE tenant_id = $1 AND user_id = $2`,
          [event.tenantId, d.userId],
        );
      }
    }
  },
};

type MonthTotals = DataOf<PoolMonthEvent, 'PoolMinutesReserved' | 'PoolMinutesDebited' | 'PoolReservationExpired'>;

/** `rm_pool_months`: minutes used and reserved per tenant and month. */
export const poolMonthsProjection: Projection = {
  name: 'pool-months',
  handles: ['PoolMinutesReserved', 'PoolMinutesDebited', 'PoolReservationExpired'],
  tables: ['rm_pool_months'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const data = events.map((e) => dataOf<MonthTotals>(e));
    // Each event carries the month's running totals: the last one per month wins (a month's
    // events are in stream order, and one chunk's are applied together in global order).
    await sql.query(
      `INSERT INTO rm_pool_months AS m (tenant_id, month, used_minutes, reserved_minutes)
       SELECT DISTINCT ON (t, mo) t, mo, u, r FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[]) AS x(t, mo, u, r, p)
        ORDER BY t, mo, p DESC
       ON CONFLICT (tenant_id, month) DO UPDATE SET used_minutes = excluded.used_minutes, reserved_minutes = excluded.reserved_minutes`,
      [
        events.map((e) => e.tenantId),
        data.map((d) => d.month),
        data.map((d) => d.usedMinutes),
        data.map((d) => ('reservedMinutes' in d ? (d.reservedMinutes ?? 0) : 0)),
        events.map((e) => e.globalPosition),
      ],
    );
  },
};

/**
 * `rm_pool_calls`: one row per call the pool decided on, with what it covered;
 * `rm_pool_reservations`: the reservations of calls in progress, with their due time.
 */
export const poolCallsProjection: Projection = {
  name: 'pool-calls',
  handles: ['CallFundedFromPool', 'CallHandedToWallet', 'PoolCallSettled', 'CallEndObserved', 'PoolSettlementMissing', 'CallDurationExceededGrant'],
  tables: ['rm_pool_calls', 'rm_pool_reservations'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      const [statement, params] = poolCallRow(event);
      await sql.query(statement, params);
      await trackReservation(sql, event);
    }
  },
};

async function trackReservation(sql: SqlClient, event: RecordedEvent): Promise<void> {
  if (event.type === 'CallFundedFromPool') {
    const d = dataOf<DataOf<PoolCallEvent, 'CallFundedFromPool'>>(event);
    if (d.reservedMinutes === undefined || d.dueBy === undefined) return;
    await sql.query(`INSERT INTO rm_pool_reservations (tenant_id, call_id, month, minutes, due_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
      event.tenantId,
      d.callId,
      d.month,
      d.reservedMinutes,
      d.dueBy,
    ]);
  } else if (event.type === 'PoolCallSettled' || event.type === 'PoolSettlementMissing') {
    await sql.query(`DELETE FROM rm_pool_reservations WHERE tenant_id = $1 AND call_id = $2`, [event.tenantId, dataOf<{ callId: string }>(event).callId]);
  }
}

function poolCallRow(event: RecordedEvent): [string, unknown[]] {
  const upsert = (columns: string[]) =>
    `INSERT INTO rm_pool_calls (tenant_id, call_id, ${columns.join(', ')})
     VALUES ($1, $2, ${columns.map((_, i) => `$${i + 3}`).join(', ')})
     ON CONFLICT (tenant_id, call_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  switch (event.type) {
    case 'CallFundedFromPool': {
      const d = dataOf<DataOf<PoolCallEvent, 'CallFundedFromPool'>>(event);
      return [
        upsert(['month', 'organizer', 'destination_country', 'funding', 'max_duration_seconds', 'reserved_minutes']),
        [
          event.tenantId,
          d.callId,
          d.month,
          d.userId,
          d.destinationCountry,
          d.continuationSeconds ? 'pool, continues on credits' : 'pool',
          d.maxDurationSeconds,
          d.reservedMinutes ?? null,
        ],
      ];
    }
    case 'CallHandedToWallet': {
      const d = dataOf<DataOf<PoolCallEvent, 'CallHandedToWallet'>>(event);
      if (d.reason === 'POOL_CONTINUATION') return [upsert(['organizer']), [event.tenantId, d.callId, d.userId]];
      const funding = d.reason === 'POOL_EXHAUSTED' ? 'handed-on: pool exhausted' : 'handed-on: not pool-eligible';
      return [
        upsert(['month', 'organizer', 'destination_country', 'funding']),
        [event.tenantId, d.callId, monthOf(d.startedAt), d.userId, d.destinationCountry, funding],
      ];
    }
    case 'PoolCallSettled': {
      const d = dataOf<DataOf<PoolCallEvent, 'PoolCallSettled'>>(event);
      return [upsert(['minutes', 'pool_minutes', 'handed_on_minutes']), [event.tenantId, d.callId, d.minutes, d.poolMinutes, d.uncoveredMinutes]];
    }
    case 'PoolSettlementMissing': {
      const d = dataOf<DataOf<PoolCallEvent, 'PoolSettlementMissing'>>(event);
      return [upsert(['settlement_missing']), [event.tenantId, d.callId, true]];
    }
    case 'CallDurationExceededGrant': {
      const d = dataOf<DataOf<PoolCallEvent, 'CallDurationExceededGrant'>>(event);
      return [upsert(['excess_seconds']), [event.tenantId, d.callId, d.excessSeconds]];
    }
    default: {
      const d = dataOf<DataOf<PoolCallEvent, 'CallEndObserved'>>(event);
      return [upsert(['duration_seconds']), [event.tenantId, d.callId, d.durationSeconds]];
    }
  }
}
