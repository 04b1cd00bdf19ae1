import { SqlClient, prepared } from './sql';

export interface InboxEntry {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Records consumed messages for a consumer and returns the ids that were NOT seen before.
 * Run it in the transaction that applies the messages: a repeat then finds its row (or waits
 * for the concurrent transaction that holds it) and is skipped, so an effect happens once.
 */
export async function recordInInbox(sql: SqlClient, consumer: string, entries: InboxEntry[]): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  const { rows } = await sql.query<{ event_id: string }>(
    prepared(`INSERT INTO inbox (consumer, event_id, topic, partition, "offset")
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[])
     ON CONFLICT (consumer, event_id) DO NOTHING
     RETURNING event_id`),
    [consumer, entries.map((e) => e.eventId), entries.map((e) => e.topic), entries.map((e) => e.partition), entries.map((e) => e.offset)],
  );
  return new Set(rows.map((r) => r.event_id));
}
