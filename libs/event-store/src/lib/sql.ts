import { createHash } from 'node:crypto';
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

/** The statements `prepared()` named, by text. */
const PREPARED = new Map<string, string>();

/**
 * Marks a statement of fixed text as worth preparing: `sqlClientOf` then sends it as a named
 * statement, parsed and planned once per connection instead of on every call (for the small
 * statements every chunk runs, planning cost as much as executing: docs/benchmarks.md,
 * session 4). Only for texts that never vary (values go in parameters) and whose plan does not
 * depend on the values: PostgreSQL may settle on one generic plan after five runs.
 */
export function prepared(text: string): string {
  if (!PREPARED.has(text)) PREPARED.set(text, `cc_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`);
  return text;
}

/** The node-postgres connection under a TypeORM QueryRunner, once connected. */
interface PgConnection {
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * Adapts a TypeORM QueryRunner (inside or outside a transaction) to `SqlClient`, asking for
 * structured results so INSERT/UPDATE row counts are not lost. Statements marked `prepared()`
 * go straight to the runner's connection (the same session and transaction) as named ones.
 */
export function sqlClientOf(runner: QueryRunner): SqlClient {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<SqlResult<Row>> {
      const name = PREPARED.get(sql);
      const connection = (runner as unknown as { databaseConnection?: PgConnection }).databaseConnection;
      if (name !== undefined && connection !== undefined && !runner.isReleased) {
        const result = await connection.query({ name, text: sql, values: params });
        const rows = result.rows as Row[];
        return { rows, rowCount: typeof result.rowCount === 'number' ? result.rowCount : rows.length };
      }
      const result = await runner.query(sql, params, true);
      const rows = (Array.isArray(result.records) ? result.records : []) as Row[];
      return { rows, rowCount: typeof result.affected === 'number' ? result.affected : rows.length };
    },
  };
}
