import { BEGINNING, GlobalCheckpoint } from './read-all';
import { SqlClient, prepared } from './sql';

/** Where a processor (the outbox relay, a projection) stands in the global order. */
export async function readCheckpoint(sql: SqlClient, processor: string): Promise<GlobalCheckpoint> {
  const { rows } = await sql.query<{ transaction_id: string; global_position: string }>(
    prepared(`SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
       FROM es_checkpoints WHERE processor = $1`),
    [processor],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : BEGINNING;
}

/** Stores a checkpoint; write it in the same transaction as the effect it checkpoints. */
export async function storeCheckpoint(sql: SqlClient, processor: string, checkpoint: GlobalCheckpoint): Promise<void> {
  await sql.query(
    prepared(`INSERT INTO es_checkpoints (processor, transaction_id, global_position)
     VALUES ($1, $2::xid8, $3::bigint)
     ON CONFLICT (processor) DO UPDATE
       SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()`),
    [processor, checkpoint.transactionId, checkpoint.globalPosition],
  );
}

/**
 * Moves a checkpoint forward only: a writer that read an older position (a relay that lost its
 * leadership while publishing) can never take it back. Returns whether it moved.
 */
export async function advanceCheckpoint(sql: SqlClient, processor: string, checkpoint: GlobalCheckpoint): Promise<boolean> {
  const { rowCount } = await sql.query(
    prepared(`INSERT INTO es_checkpoints (processor, transaction_id, global_position)
     VALUES ($1, $2::xid8, $3::bigint)
     ON CONFLICT (processor) DO UPDATE
       SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()
       WHERE (es_checkpoints.transaction_id, es_checkpoints.global_position) < (excluded.transaction_id, excluded.global_position)
     RETURNING processor`),
    [processor, checkpoint.transactionId, checkpoint.globalPosition],
  );
  return rowCount > 0;
}
