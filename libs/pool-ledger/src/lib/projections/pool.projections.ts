import { monthOf } from '@comms-credits/contracts';
import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { CallerReplicaEvent } from '../domain/caller-replica.decider';
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
 * A chunk's events are folded per call first and written in at most three statements (the
 * rows, the new reservations, the released ones), whatever the chunk's size.
 */
export const poolCallsProjection: Projection = {
  name: 'pool-calls',
  handles: ['CallFundedFromPool', 'CallHandedToWallet', 'PoolCallSettled', 'CallEndObserved', 'PoolSettlementMissing', 'CallDurationExceededGrant'],
  tables: ['rm_pool_calls', 'rm_pool_reservations'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const { rows, reserved, released } = poolCallChanges(events);
    if (rows.length > 0) {
      const column = (name: PoolCallColumn) => rows.map((r) => r.columns[name] ?? null);
      await sql.query(
        `INSERT INTO rm_pool_calls AS c (tenant_id, call_id, ${POOL_CALL_COLUMNS.join(', ')})
         SELECT t, ca, mo, org, dc, f, mds, rm, ds, mi, pm, hm, COALESCE(sm, false), es
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[],
                       $10::int[], $11::int[], $12::int[], $13::boolean[], $14::int[])
             AS x(t, ca, mo, org, dc, f, mds, rm, ds, mi, pm, hm, sm, es)
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET
           ${POOL_CALL_COLUMNS.filter((c) => c !== 'settlement_missing')
             .map((c) => `${c} = COALESCE(excluded.${c}, c.${c})`)
             .join(', ')},
           settlement_missing = c.settlement_missing OR excluded.settlement_missing`,
        [rows.map((r) => r.tenantId), rows.map((r) => r.callId), ...POOL_CALL_COLUMNS.map(column)],
      );
    }
    if (released.length > 0) {
      await sql.query(`DELETE FROM rm_pool_reservations r USING unnest($1::text[], $2::text[]) AS d(t, c) WHERE r.tenant_id = d.t AND r.call_id = d.c`, [
        released.map((r) => r.tenantId),
        released.map((r) => r.callId),
      ]);
    }
    if (reserved.length > 0) {
      await sql.query(
        `INSERT INTO rm_pool_reservations (tenant_id, call_id, month, minutes, due_by)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[]) ON CONFLICT DO NOTHING`,
        [
          reserved.map((r) => r.tenantId),
          reserved.map((r) => r.callId),
          reserved.map((r) => r.month),
          reserved.map((r) => r.minutes),
          reserved.map((r) => r.dueBy),
        ],
      );
    }
  },
};

/** The columns of `rm_pool_calls` the events set, in the order of the upsert above. */
const POOL_CALL_COLUMNS = [
  'month',
  'organizer',
  'destination_country',
  'funding',
  'max_duration_seconds',
  'reserved_minutes',
  'duration_seconds',
  'minutes',
  'pool_minutes',
  'handed_on_minutes',
  'settlement_missing',
  'excess_seconds',
] as const;
type PoolCallColumn = (typeof POOL_CALL_COLUMNS)[number];
type PoolCallColumns = Partial<Record<PoolCallColumn, string | number | boolean | null>>;

interface CallKey {
  tenantId: string;
  callId: string;
}

/**
 * What a chunk's events change, per call, as applying them one by one would: each call's
 * columns as its last event set them (a column no event set is left as it is; no event sets one
 * back to null once it has a value, and `settlement_missing` only ever becomes true); a
 * reservation recorded by `CallFundedFromPool` and released by the call's settlement or expiry,
 * whichever came last.
 */
export function poolCallChanges(events: RecordedEvent[]): {
  rows: (CallKey & { columns: PoolCallColumns })[];
  reserved: (CallKey & { month: string; minutes: number; dueBy: string })[];
  released: CallKey[];
} {
  const rows = new Map<string, CallKey & { columns: PoolCallColumns }>();
  // Per call, its reservation as the chunk leaves it: recorded (`reservation`) or released.
  const reservations = new Map<string, CallKey & { reservation?: { month: string; minutes: number; dueBy: string } }>();
  for (const event of events) {
    const callId = dataOf<{ callId: string }>(event).callId;
    const key = `${event.tenantId}\u0000${callId}`;
    const row = rows.get(key) ?? { tenantId: event.tenantId, callId, columns: {} };
    Object.assign(row.columns, poolCallColumns(event));
    rows.set(key, row);
    if (event.type === 'CallFundedFromPool') {
      const d = dataOf<DataOf<PoolCallEvent, 'CallFundedFromPool'>>(event);
      if (d.reservedMinutes !== undefined && d.dueBy !== undefined)
        reservations.set(key, { tenantId: event.tenantId, callId, reservation: { month: d.month, minutes: d.reservedMinutes, dueBy: d.dueBy } });
    } else if (event.type === 'PoolCallSettled' || event.type === 'PoolSettlementMissing') {
      reservations.set(key, { tenantId: event.tenantId, callId });
    }
  }
  const calls = [...reservations.values()];
  return {
    rows: [...rows.values()],
    reserved: calls.flatMap(({ tenantId, callId, reservation }) => (reservation ? [{ tenantId, callId, ...reservation }] : [])),
    released: calls.flatMap(({ tenantId, callId, reservation }) => (reservation ? [] : [{ tenantId, callId }])),
  };
}

function poolCallColumns(event: RecordedEvent): PoolCallColumns {
  switch (event.type) {
    case 'CallFundedFromPool': {
      const d = dataOf<DataOf<PoolCallEvent, 'CallFundedFromPool'>>(event);
      return {
        month: d.month,
        organizer: d.userId,
        destination_country: d.destinationCountry,
        funding: d.continuationSeconds ? 'pool, continues on credits' : 'pool',
        max_duration_seconds: d.maxDurationSeconds,
        reserved_minutes: d.reservedMinutes ?? null,
      };
    }
    case 'CallHandedToWallet': {
      const d = dataOf<DataOf<PoolCallEvent, 'CallHandedToWallet'>>(event);
      if (d.reason === 'POOL_CONTINUATION') return { organizer: d.userId };
      const funding = d.reason === 'POOL_EXHAUSTED' ? 'handed-on: pool exhausted' : 'handed-on: not pool-eligible';
      return { month: monthOf(d.startedAt), organizer: d.userId, destination_country: d.destinationCountry, funding };
    }
    case 'PoolCallSettled': {
      const d = dataOf<DataOf<PoolCallEvent, 'PoolCallSettled'>>(event);
      return { minutes: d.minutes, pool_minutes: d.poolMinutes, handed_on_minutes: d.uncoveredMinutes };
    }
    case 'PoolSettlementMissing':
      return { settlement_missing: true };
    case 'CallDurationExceededGrant':
      return { excess_seconds: dataOf<DataOf<PoolCallEvent, 'CallDurationExceededGrant'>>(event).excessSeconds };
    default:
      return { duration_seconds: dataOf<DataOf<PoolCallEvent, 'CallEndObserved'>>(event).durationSeconds };
  }
}

/**
 * `rm_pool_caller_tenants` and `rm_pool_callers`: the users the pool has learned from licensing,
 * applied in the order published. A restatement replaces them (its first page clears the
 * tenant's users; a change published before it is in it already); a change after it changes
 * one. Users change rarely: one statement per change.
 */
export const callersProjection: Projection = {
  name: 'pool-callers',
  handles: ['CallersRestatementLearned', 'CallerLearned', 'CallerLicenceLearned'],
  tables: ['rm_pool_caller_tenants', 'rm_pool_callers'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'CallersRestatementLearned') {
        const d = dataOf<DataOf<CallerReplicaEvent, 'CallersRestatementLearned'>>(event);
        // A restatement is the users when it was made: its first page replaces the tenant's.
        if (d.page === 1) await sql.query(`DELETE FROM rm_pool_callers WHERE tenant_id = $1`, [event.tenantId]);
        await sql.query(
          `WITH tenant AS (
             INSERT INTO rm_pool_caller_tenants AS t (tenant_id, known, edition, learned_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id) DO UPDATE SET known = t.known OR excluded.known, edition = excluded.edition, learned_at = excluded.learned_at)
           INSERT INTO rm_pool_callers (tenant_id, user_id, usage_location, licenses)
           SELECT $1, u.user_id, u.usage_location, ARRAY(SELECT jsonb_array_elements_text(u.licenses))
             FROM jsonb_to_recordset($5::jsonb) AS u(user_id text, usage_location text, licenses jsonb)
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET usage_location = excluded.usage_location, licenses = excluded.licenses`,
          [
            event.tenantId,
            d.complete,
            d.edition,
            event.occurredAt,
            JSON.stringify(d.users.map((u) => ({ user_id: u.userId, usage_location: u.usageLocation, licenses: u.licenses }))),
          ],
        );
        continue;
      }
      if (event.type === 'CallerLearned') {
        const d = dataOf<DataOf<CallerReplicaEvent, 'CallerLearned'>>(event);
        await sql.query(
          `INSERT INTO rm_pool_callers (tenant_id, user_id, usage_location) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET usage_location = excluded.usage_location`,
          [event.tenantId, d.userId, d.usageLocation],
        );
      } else {
        const d = dataOf<DataOf<CallerReplicaEvent, 'CallerLicenceLearned'>>(event);
        await sql.query(
          d.assigned
            ? `INSERT INTO rm_pool_callers AS c (tenant_id, user_id, licenses) VALUES ($1, $2, ARRAY[$3])
               ON CONFLICT (tenant_id, user_id) DO UPDATE SET licenses = array_append(array_remove(c.licenses, $3), $3)`
            : `UPDATE rm_pool_callers SET licenses = array_remove(licenses, $3) WHERE tenant_id = $1 AND user_id = $2`,
          [event.tenantId, d.userId, d.sku],
        );
      }
      await sql.query(
        `INSERT INTO rm_pool_caller_tenants AS t (tenant_id, learned_at) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET learned_at = excluded.learned_at`,
        [event.tenantId, event.occurredAt],
      );
    }
  },
};
