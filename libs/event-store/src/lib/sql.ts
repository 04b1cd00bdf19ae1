import type { QueryRunner } from 'typeorm';

/** The one thing the store needs of a database connection: run a statement, get rows back. */
export interface SqlClient {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /**
   * Told by the event store which events an append stored through this client, once the
   * statement succeeded (they are committed only with the transaction). Optional: a client
   * that wants to know (the relay's commit nudge) implements it.
   */
  eventsStored?(events: readonly StoredEventKind[]): void;
}

/** What is known of a stored event before it is read back: enough to route it. */
export interface StoredEventKind {
  type: string;
  streamType: string;
}

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/**
 * Adapts a TypeORM QueryRunner (inside or outside a transaction) to `SqlClient`, asking for
 * structured results so INSERT/UPDATE row counts are not lost.
 */
export function sqlClientOf(runner: QueryRunner): SqlClient {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<SqlResult<Row>> {
      const result = await runner.query(sql, params, true);
      const rows = (Array.isArray(result.records) ? result.records : []) as Row[];
      return { rows, rowCount: typeof result.affected === 'number' ? result.affected : rows.length };
    },
  };
}
