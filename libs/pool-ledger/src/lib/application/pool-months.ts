import { DomainError, Result, fold } from '@comms-credits/domain-kit';
import { EventMetadata, EventStore, Projection, RecordedEvent, SqlClient, StreamTarget } from '@comms-credits/event-store';
import { PoolMonthCommand, PoolMonthEvent, PoolMonthState, poolMonthDecider } from '../domain/pool-month.decider';

export const POOL_MONTH_EVENT_TYPES = ['PoolMinutesReserved', 'PoolMinutesDebited', 'PoolReservationExpired', 'PoolUsageThresholdReached'];

interface MonthRow {
  stream_id: string;
  version: string;
  state: PoolMonthState;
}

/**
 * Decides commands on month streams from their snapshots: the rows are locked in stream order
 * (so a month's commands serialize without retry storms, and two transactions never wait on
 * each other crosswise), each command is decided in order on the state the previous left, and
 * every month's events are appended in one statement at the version its snapshot holds (the
 * stream's version stays the backstop). The inline projection below writes the new snapshots.
 */
export async function decideOnMonths(
  sql: SqlClient,
  store: EventStore,
  items: { target: StreamTarget; command: PoolMonthCommand; options?: { metadata?: EventMetadata } }[],
): Promise<Result<PoolMonthEvent[], DomainError>[]> {
  if (items.length === 0) return [];
  const months = await loadMonths(sql, store, [...new Set(items.map((i) => i.target.streamId))], { lock: true });
  const pending = new Map<string, { target: StreamTarget; events: { type: string; data: Record<string, unknown>; metadata?: EventMetadata }[] }>();
  const results = items.map(({ target, command, options }) => {
    const month = months.get(target.streamId)!;
    const decision = poolMonthDecider.decide(command, month.state);
    if (decision.ok && decision.value.length > 0) {
      month.state = decision.value.reduce(poolMonthDecider.evolve, month.state);
      const entry = pending.get(target.streamId) ?? { target, events: [] };
      entry.events.push(...decision.value.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: options?.metadata })));
      pending.set(target.streamId, entry);
    }
    return decision;
  });
  if (pending.size > 0) {
    await store.append(
      sql,
      [...pending.values()].map(({ target, events }) => {
        const version = months.get(target.streamId)!.version;
        return { ...target, expectedVersion: version === 0 ? ('no_stream' as const) : version, events };
      }),
    );
  }
  return results;
}

/** The snapshots of month streams (folding any month recorded before snapshots existed). */
async function loadMonths(sql: SqlClient, store: EventStore, streamIds: string[], { lock }: { lock: boolean }) {
  const { rows } = await sql.query<MonthRow>(
    `SELECT stream_id, version, state FROM pool_month_snapshots WHERE stream_id = ANY($1::text[]) ORDER BY stream_id ${lock ? 'FOR UPDATE' : ''}`,
    [streamIds],
  );
  const months = new Map(rows.map((r) => [r.stream_id, { state: r.state, version: Number(r.version) }]));
  const missing = streamIds.filter((id) => !months.has(id));
  if (missing.length > 0) {
    const streams = await store.readStreams(sql, missing);
    for (const id of missing) {
      const stream = streams.get(id)!;
      months.set(id, {
        state: fold(poolMonthDecider.evolve, poolMonthDecider.initialState(), stream.events as unknown as PoolMonthEvent[]),
        version: stream.currentVersion,
      });
    }
  }
  return months;
}

/**
 * `pool_month_snapshots`: each month's decider state, folded with the decider's own `evolve` in
 * the append's transaction. A month without a row yet (recorded before the table) is folded
 * from its earlier events first. Rebuilt like any projection.
 */
export const poolMonthSnapshotProjection: Projection = {
  name: 'pool-month-snapshots',
  handles: POOL_MONTH_EVENT_TYPES,
  tables: ['pool_month_snapshots'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const streamIds = [...new Set(events.map((e) => e.streamId))];
    const { rows } = await sql.query<MonthRow>(`SELECT stream_id, version, state FROM pool_month_snapshots WHERE stream_id = ANY($1::text[])`, [streamIds]);
    const months = new Map(rows.map((r) => [r.stream_id, { state: r.state, version: Number(r.version) }]));
    for (const id of streamIds.filter((s) => !months.has(s))) {
      const first = events.find((e) => e.streamId === id)!.streamPosition;
      const earlier = await sql.query<{ event_type: string; data: unknown }>(
        `SELECT event_type, data FROM es_events WHERE stream_id = $1 AND stream_position < $2 ORDER BY stream_position`,
        [id, first],
      );
      const state = fold(
        poolMonthDecider.evolve,
        poolMonthDecider.initialState(),
        earlier.rows.map((r) => ({ type: r.event_type, data: r.data }) as PoolMonthEvent),
      );
      months.set(id, { state, version: first - 1 });
    }
    const tenants = new Map<string, string>();
    for (const event of events) {
      const month = months.get(event.streamId)!;
      month.state = poolMonthDecider.evolve(month.state, { type: event.type, data: event.data } as PoolMonthEvent);
      month.version = Math.max(month.version, event.streamPosition);
      tenants.set(event.streamId, event.tenantId);
    }
    await sql.query(
      `INSERT INTO pool_month_snapshots AS m (stream_id, tenant_id, version, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])
       ON CONFLICT (stream_id) DO UPDATE SET version = GREATEST(m.version, excluded.version), state = excluded.state`,
      [
        streamIds,
        streamIds.map((id) => tenants.get(id)!),
        streamIds.map((id) => months.get(id)!.version),
        streamIds.map((id) => JSON.stringify(months.get(id)!.state)),
      ],
    );
  },
};
