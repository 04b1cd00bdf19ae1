import { randomUUID } from 'node:crypto';
import { VersionConflictError, isUniqueViolationOn } from './errors';
import { ExpectedVersion, NewEvent, expectedVersionNumber } from './events';
import { SqlClient, prepared } from './sql';

export interface StreamAppend {
  streamId: string;
  streamType: string;
  tenantId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
}

export interface AppendResult {
  streamId: string;
  /** The stream's position after the append. */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in order (decimal strings). */
  globalPositions: string[];
}

/**
 * Appends the events of one or many streams in ONE round trip. Each stream is moved forward
 * only where it stands at its expected version (`UPDATE … WHERE stream_position = expected`,
 * folded into an upsert); the unique (stream_id, stream_position) constraint is the backstop
 * for racing creators. If any stream is not where expected, nothing is appended: the caller's
 * transaction must be rolled back (a `VersionConflictError` is thrown).
 */
export async function appendToStreams(sql: SqlClient, appends: StreamAppend[]): Promise<AppendResult[]> {
  const withEvents = appends.filter((a) => a.events.length > 0);
  if (withEvents.length === 0) return [];
  appendsThrough.set(sql, appendsMadeThrough(sql) + 1);
  const streamIds = withEvents.map((a) => a.streamId);
  if (new Set(streamIds).size !== streamIds.length) {
    throw new Error('appendToStreams: each stream may appear once per call');
  }

  const events = withEvents.flatMap((append) => append.events.map((event, index) => ({ append, event, index: index + 1 })));
  const params = [
    streamIds,
    withEvents.map((a) => a.streamType),
    withEvents.map((a) => a.tenantId),
    withEvents.map((a) => expectedVersionNumber(a.expectedVersion)),
    withEvents.map((a) => a.events.length),
    events.map((e) => e.append.streamId),
    events.map((e) => e.index),
    events.map((e) => e.event.eventId ?? randomUUID()),
    events.map((e) => e.event.type),
    events.map((e) => e.event.version ?? 1),
    events.map((e) => JSON.stringify(e.event.data)),
    events.map((e) => JSON.stringify(e.event.metadata ?? {})),
    events.map((e) => (e.event.occurredAt ?? new Date()).toISOString()),
  ];

  let rows: { stream_id: string; stream_position: string; global_position: string }[];
  try {
    ({ rows } = await sql.query(APPEND_SQL, params));
  } catch (error) {
    if (isUniqueViolationOn(error, 'es_events_stream_position_key') || isUniqueViolationOn(error, 'es_streams_pkey')) {
      throw new VersionConflictError(streamIds, describeExpected(withEvents));
    }
    throw error;
  }
  if (rows.length !== events.length) {
    throw new VersionConflictError(streamIds, describeExpected(withEvents));
  }
  sql.eventsStored?.(events.map((e) => ({ type: e.event.type, streamType: e.append.streamType })));

  const byStream = new Map<string, AppendResult>();
  const ordered = [...rows].sort((a, b) => Number(a.stream_position) - Number(b.stream_position));
  for (const row of ordered) {
    const result = byStream.get(row.stream_id) ?? { streamId: row.stream_id, nextExpectedVersion: 0, globalPositions: [] };
    result.nextExpectedVersion = Number(row.stream_position);
    result.globalPositions.push(row.global_position);
    byStream.set(row.stream_id, result);
  }
  return withEvents.map((a) => byStream.get(a.streamId)!);
}

/** Appends attempted through each client (the event store trusts its memory of streams only while every one was its own). */
const appendsThrough = new WeakMap<SqlClient, number>();

export function appendsMadeThrough(sql: SqlClient): number {
  return appendsThrough.get(sql) ?? 0;
}

export async function appendToStream(sql: SqlClient, append: StreamAppend): Promise<AppendResult> {
  const [result] = await appendToStreams(sql, [append]);
  return result ?? { streamId: append.streamId, nextExpectedVersion: -1, globalPositions: [] };
}

function describeExpected(appends: StreamAppend[]): string {
  return appends.map((a) => `${a.streamId}@${a.expectedVersion}`).join(', ');
}

// $4 expected: -1 = any, 0 = no stream yet, n = at version n. Each stream takes one of the
// three paths; a stream that is not where expected yields no row in \`moved\`, so none of its
// events are inserted and the row count tells the caller.
const APPEND_SQL = prepared(`
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
    AS i(stream_id, stream_type, tenant_id, expected, added)
),
created AS (
  INSERT INTO es_streams (stream_id, stream_type, tenant_id, stream_position)
  SELECT stream_id, stream_type, tenant_id, added FROM input WHERE expected = 0
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING stream_id, stream_position
),
anywhere AS (
  INSERT INTO es_streams AS s (stream_id, stream_type, tenant_id, stream_position)
  SELECT stream_id, stream_type, tenant_id, added FROM input WHERE expected = -1
  ON CONFLICT (stream_id) DO UPDATE
    SET stream_position = s.stream_position + excluded.stream_position, updated_at = now()
  RETURNING s.stream_id, s.stream_position
),
advanced AS (
  UPDATE es_streams s
     SET stream_position = s.stream_position + i.added, updated_at = now()
    FROM input i
   WHERE i.stream_id = s.stream_id AND i.expected > 0 AND s.stream_position = i.expected
  RETURNING s.stream_id, s.stream_position
),
moved AS (
  SELECT * FROM created UNION ALL SELECT * FROM anywhere UNION ALL SELECT * FROM advanced
),
events AS (
  SELECT * FROM unnest($6::text[], $7::bigint[], $8::uuid[], $9::text[], $10::int[], $11::jsonb[], $12::jsonb[], $13::timestamptz[])
    WITH ORDINALITY AS e(stream_id, idx, event_id, event_type, event_version, data, metadata, occurred_at, ord)
)
INSERT INTO es_events (stream_id, stream_type, stream_position, event_id, event_type, event_version, tenant_id, data, metadata, occurred_at)
SELECT e.stream_id, i.stream_type, m.stream_position - i.added + e.idx, e.event_id, e.event_type, e.event_version, i.tenant_id,
       e.data, e.metadata, e.occurred_at
FROM events e
JOIN input i ON i.stream_id = e.stream_id
JOIN moved m ON m.stream_id = e.stream_id
ORDER BY e.ord
RETURNING stream_id, stream_position, global_position`);
