import { EventStore } from './event-store';
import { readAllCommitted } from './read-all';
import { Transactions } from './transactions';

/**
 * Empties every projection's tables and replays the whole store through them, in one
 * transaction that first locks the stream table against appends: a rebuild never races the
 * live projection, and readers see the old read model until the new one commits.
 */
export async function rebuildProjections(
  transactions: Transactions,
  store: EventStore,
  options: { pageSize?: number } = {},
): Promise<{ events: number; projections: string[] }> {
  const pageSize = options.pageSize ?? 5_000;
  return transactions.run(async (sql) => {
    await sql.query('LOCK TABLE es_streams IN EXCLUSIVE MODE');
    const projections = store.projectionList();
    const tables = [...new Set(projections.flatMap((p) => p.tables))];
    if (tables.length > 0) await sql.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
    let after = '0';
    let count = 0;
    for (;;) {
      const events = await readAllCommitted(sql, after, pageSize);
      if (events.length === 0) break;
      await store.project(sql, events);
      count += events.length;
      after = events[events.length - 1]!.globalPosition;
    }
    return { events: count, projections: projections.map((p) => p.name) };
  });
}
