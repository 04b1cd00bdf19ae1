import { Actor } from './actor-context';
import { SqlClient } from './sql';

/** One change a person made: an event appended on behalf of an actor. */
export interface AuditEntry {
  /** The event's place in the store's global order (also the page cursor). */
  position: string;
  eventId: string;
  eventType: string;
  streamId: string;
  streamType: string;
  actor: Actor;
  recordedAt: Date;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Row {
  global_position: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  stream_type: string;
  actor: Actor;
  recorded_at: Date;
}

/**
 * A tenant's changes made by people (events whose metadata has an actor), newest first,
 * `limit` of them before the global position `before`. Served by the partial index of
 * migration AuditIndex1764000000900.
 */
export async function readAudit(sql: SqlClient, tenantId: string, limit: number, before?: string): Promise<AuditPage> {
  const { rows } = await sql.query<Row>(
    `SELECT global_position::text AS global_position, event_id, event_type, stream_id, stream_type,
            metadata -> 'actor' AS actor, recorded_at
       FROM es_events
      WHERE tenant_id = $1 AND metadata ? 'actor'
        AND ($2::bigint IS NULL OR global_position < $2::bigint)
      ORDER BY global_position DESC
      LIMIT $3`,
    [tenantId, before ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      position: r.global_position,
      eventId: r.event_id,
      eventType: r.event_type,
      streamId: r.stream_id,
      streamType: r.stream_type,
      actor: { sub: String(r.actor?.sub ?? ''), roles: Array.isArray(r.actor?.roles) ? r.actor.roles.map(String) : [] },
      recordedAt: r.recorded_at,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.global_position : null,
  };
}
