import { RecordedEvent } from './events';
import { SqlClient, prepared } from './sql';

export interface ReadStreamResult<E extends RecordedEvent = RecordedEvent> {
  /** 0 when the stream does not exist. */
  currentVersion: number;
  events: E[];
}

/** Reads one stream in order, optionally from a position (inclusive). */
export async function readStream<E extends RecordedEvent = RecordedEvent>(
  sql: SqlClient,
  streamId: string,
  options: { fromPosition?: number } = {},
): Promise<ReadStreamResult<E>> {
  const { rows } = await sql.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM es_events e WHERE e.stream_id = $1 AND e.stream_position >= $2 ORDER BY e.stream_position`,
    [streamId, options.fromPosition ?? 1],
  );
  const events = rows.map(toRecordedEvent) as E[];
  const last = events[events.length - 1];
  return { currentVersion: last ? last.streamPosition : 0, events };
}

/** Reads many streams in one round trip, grouped by stream id. */
export async function readStreams<E extends RecordedEvent = RecordedEvent>(sql: SqlClient, streamIds: string[]): Promise<Map<string, ReadStreamResult<E>>> {
  const result = new Map<string, ReadStreamResult<E>>(streamIds.map((id) => [id, { currentVersion: 0, events: [] }]));
  if (streamIds.length === 0) return result;
  // One index range per stream (LATERAL), whatever the table's statistics say: with `= ANY` a
  // planner without fresh statistics (autovacuum off, as on CI machines) chose a sequential scan
  // of the whole event table for every chunk (docs/benchmarks.md, profile).
  const { rows } = await sql.query<EventRow>(READ_STREAMS_SQL, [[...new Set(streamIds)]]);
  for (const row of rows) {
    const event = toRecordedEvent(row) as E;
    const stream = result.get(event.streamId)!;
    stream.events.push(event);
    stream.currentVersion = event.streamPosition;
  }
  return result;
}

export const EVENT_COLUMNS = `e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,
  e.stream_id, e.stream_position, e.event_id::text AS event_id, e.event_type, e.event_version, e.tenant_id,
  e.stream_type, e.data, e.metadata, e.occurred_at`.replace(/\n\s*/g, ' ');

/** Every event of many streams, one index range per stream (see readStreams). */
const READ_STREAMS_SQL = prepared(
  `SELECT ${EVENT_COLUMNS}
     FROM unnest($1::text[]) AS s(stream_id)
     CROSS JOIN LATERAL (SELECT * FROM es_events x WHERE x.stream_id = s.stream_id ORDER BY x.stream_position) e
    ORDER BY e.stream_id, e.stream_position`,
);

export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  event_type: string;
  event_version: number;
  tenant_id: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  stream_type: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    version: row.event_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamType: row.stream_type,
    tenantId: row.tenant_id,
    streamPosition: Number(row.stream_position),
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    occurredAt: row.occurred_at,
  };
}
