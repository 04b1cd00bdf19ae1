import { RecordedEvent } from './events';
import { EVENT_COLUMNS, EventRow, toRecordedEvent } from './read-stream';
import { SqlClient } from './sql';

/** A place in the store's global order: (transaction id, global position), both decimal strings. */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: string;
}

export const BEGINNING: GlobalCheckpoint = { transactionId: '0', globalPosition: '0' };

/**
 * Reads the global order after `after`, never past a transaction that is still in flight.
 *
 * Global positions come from a sequence, so a transaction that started earlier can commit a
 * LOWER position after a later one is already visible. Reading "position > checkpoint" would
 * skip it forever. Like Emmett, we order by (transaction_id, global_position) and stop below
 * `pg_snapshot_xmin(pg_current_snapshot())`: every transaction under it has ended, so nothing
 * can appear behind the reader.
 */
export async function readAll(sql: SqlClient, after: GlobalCheckpoint, limit: number): Promise<{ events: RecordedEvent[]; last: GlobalCheckpoint }> {
  const { rows } = await sql.query<EventRow>(
    `SELECT ${EVENT_COLUMNS}
       FROM es_events e
      WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
        AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`,
    [after.transactionId, after.globalPosition, limit],
  );
  const events = rows.map(toRecordedEvent);
  const tail = events[events.length - 1];
  return {
    events,
    last: tail ? { transactionId: tail.transactionId, globalPosition: tail.globalPosition } : after,
  };
}

/**
 * Every event visible to the caller's transaction after a global position, in global order.
 * Only for readers that hold the stream table locked (a rebuild): nothing is in flight then.
 */
export async function readAllCommitted(sql: SqlClient, afterGlobalPosition: string, limit: number): Promise<RecordedEvent[]> {
  const { rows } = await sql.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM es_events e WHERE e.global_position > $1::bigint ORDER BY e.global_position LIMIT $2`,
    [afterGlobalPosition, limit],
  );
  return rows.map(toRecordedEvent);
}
