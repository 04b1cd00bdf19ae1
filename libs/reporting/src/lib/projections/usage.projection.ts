import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { UsageEvent, UsageFact, UsageFacts, withFacts } from '../domain/usage.facts';
import { USAGE_COLUMNS, UsageRow, usageRowOf } from '../domain/usage-row';

type Recorded = DataOf<UsageEvent, 'UsageFactRecorded'>;

/** snake_case column of each row field. */
const COLUMN_OF: Record<keyof UsageRow, string> = Object.fromEntries(
  USAGE_COLUMNS.map((c) => [c, c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`)]),
) as Record<keyof UsageRow, string>;

const SQL_TYPE: Partial<Record<keyof UsageRow, string>> = {
  usageId: 'uuid',
  startTime: 'timestamptz',
  endTime: 'timestamptz',
  durationSeconds: 'integer',
  charge: 'numeric',
  connectionFee: 'numeric',
  poolMinutes: 'integer',
};

/**
 * `rm_usage`: one row per call. Each chunk reads the facts its calls already have (one
 * statement), adds the new ones, folds each call's row with the pure `usageRowOf` and writes
 * them all back (one statement). Rebuilt from the `usage:*` streams like every projection.
 */
export const usageProjection: Projection = {
  name: 'usage',
  handles: ['UsageFactRecorded'],
  tables: ['rm_usage'],
  async apply(sql: SqlClient, events: RecordedEvent[]) {
    const byCall = new Map<string, { tenantId: string; callId: string; added: UsageFact[] }>();
    for (const event of events) {
      const d = dataOf<Recorded>(event);
      const key = `${event.tenantId}\u0000${d.callId}`;
      const entry = byCall.get(key) ?? { tenantId: event.tenantId, callId: d.callId, added: [] };
      entry.added.push(d.fact);
      byCall.set(key, entry);
    }
    const calls = [...byCall.values()];
    const { rows } = await sql.query<{ tenant_id: string; call_id: string; facts: UsageFacts }>(
      `SELECT u.tenant_id, u.call_id, u.facts FROM rm_usage u
         JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, call_id) USING (tenant_id, call_id)`,
      [calls.map((c) => c.tenantId), calls.map((c) => c.callId)],
    );
    const known = new Map(rows.map((r) => [`${r.tenant_id}\u0000${r.call_id}`, r.facts]));
    const records = calls.map((c) => {
      const facts = withFacts(known.get(`${c.tenantId}\u0000${c.callId}`) ?? {}, c.added);
      return { tenant_id: c.tenantId, facts, ...rowColumns(usageRowOf(c.tenantId, c.callId, facts)) };
    });
    const columns = USAGE_COLUMNS.filter((c) => c !== 'callId').map((c) => COLUMN_OF[c]);
    const definitions = USAGE_COLUMNS.filter((c) => c !== 'callId').map((c) => `${COLUMN_OF[c]} ${SQL_TYPE[c] ?? 'text'}`);
    await sql.query(
      `INSERT INTO rm_usage (tenant_id, call_id, facts, ${columns.join(', ')})
       SELECT tenant_id, call_id, facts, ${columns.join(', ')}
         FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, call_id text, facts jsonb, ${definitions.join(', ')})
       ON CONFLICT (tenant_id, call_id) DO UPDATE SET facts = excluded.facts, ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      [JSON.stringify(records)],
    );
  },
};

function rowColumns(row: UsageRow): Record<string, unknown> {
  return Object.fromEntries(USAGE_COLUMNS.map((c) => [COLUMN_OF[c], row[c]]));
}
