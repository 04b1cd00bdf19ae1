import { RecordedEvent } from './events';
import { EVENT_COLUMNS, EventRow, toRecordedEvent } from './read-stream';
import { SqlClient, prepared } from './sql';

/** A place in the store's global order: (transaction id, global position), both decimal strings. */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: string;
}

export const BEGINNING: GlobalCheckpoint = { transactionId: '0', globalPosition: '0' };

/**
 * The global order after a checkpoint, below the horizon (see readAll), and whether stored
 * events wait beyond the horizon (`held`), in one statement. Read-only: it takes no transaction
 * id, so it never shows up in flight in another relay's snapshot (see readAll).
 */
const READ_ALL_SQL = prepared(
  `WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
     -- The newest event after the checkpoint, by a backward index scan (an EXISTS here was
     -- planned as a sequential scan of the whole table, 10-15 ms a read).
     newest AS MATERIALIZED (
       SELECT w.transaction_id FROM es_events w
        WHERE (w.transaction_id, w.global_position) > ($1::xid8, $2::bigint)
        ORDER BY w.transaction_id DESC, w.global_position DESC
        LIMIT 1
     ),
     horizon AS MATERIALIZED (
       SELECT CASE
                -- Nothing to read at or above the server-wide xmin: it is the horizon (no catalog read).
                WHEN COALESCE((SELECT transaction_id FROM newest) < pg_snapshot_xmin(snap.s), true)
                THEN pg_snapshot_xmin(snap.s)
                ELSE COALESCE(
                       (SELECT min(x)
                          FROM pg_snapshot_xip(snap.s) AS x
                         WHERE NOT EXISTS (
                                 SELECT 1 FROM pg_stat_get_activity(NULL) a
                                  WHERE a.backend_xid = (x::text::bigint % 4294967296)::text::xid
                                    AND a.datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database()))),
                       pg_snapshot_xmax(snap.s))
              END AS xid
         FROM snap
     )
     SELECT COALESCE((SELECT transaction_id FROM newest) >= (SELECT xid FROM horizon), false) AS held, e.*
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS}
           FROM es_events e
          WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
            AND e.transaction_id < (SELECT xid FROM horizon)
          ORDER BY e.transaction_id, e.global_position
          LIMIT $3
       ) e ON true
      ORDER BY e.transaction_id::xid8, e.global_position::bigint`,
);

/** What a read of the global order found (see readAll). */
export interface GlobalRead {
  events: RecordedEvent[];
  /** Where the read ended: the last event read, else where it began. */
  last: GlobalCheckpoint;
  /**
   * Stored events wait beyond the horizon: an older transaction of this database still in
   * flight holds them back (read again soon; nobody may wake the reader when it ends).
   */
  held: boolean;
}

/**
 * Reads the global order after `after`, never past a transaction that is still in flight.
 *
 * Global positions come from a sequence, so a transaction that started earlier can commit a
 * LOWER position after a later one is already visible. Reading "position > checkpoint" would
 * skip it forever. Like Emmett, we order by (transaction_id, global_position) and stop at a
 * horizon below which every transaction that could write here has ended.
 *
 * Emmett's horizon is `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction in
 * flight on the whole server: any other database's (another service's, a migration, someone's
 * psql session) holds every relay back. Ours is the oldest in-flight transaction of the
 * statement's own snapshot that is not known to belong to another database, else the
 * snapshot's xmax:
 * - `pg_current_snapshot()` is the snapshot this very statement reads es_events with, so
 *   every xid below the horizon is either finished and visible to the read, or in flight in
 *   another database (it cannot have written to this database's tables);
 * - an xid counts as another database's only when `pg_stat_activity` shows a backend of
 *   another database holding it; one not found there (ended since, a prepared transaction,
 *   a backend whose details this role may not see) holds the horizon, as Emmett's would;
 * - the backends are looked at only when there is something to read at or above the
 *   server-wide xmin (below it, both horizons read the same rows): reading the activity of
 *   every backend is most of this statement's cost when it happens.
 */
export async function readAll(sql: SqlClient, after: GlobalCheckpoint, limit: number): Promise<GlobalRead> {
  const { rows } = await sql.query<EventRow & { held: boolean; event_id: string | null }>(READ_ALL_SQL, [after.transactionId, after.globalPosition, limit]);
  // One row even when nothing is readable (the LEFT JOIN): it carries `held`.
  const events = rows.filter((row) => row.event_id !== null).map(toRecordedEvent);
  const tail = events[events.length - 1];
  return {
    events,
    last: tail ? { transactionId: tail.transactionId, globalPosition: tail.globalPosition } : after,
    held: rows[0]?.held === true,
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
