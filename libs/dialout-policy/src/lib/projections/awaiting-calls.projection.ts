import { dataOf, Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { CallAwaitingUsageLocationData } from '../domain/call-screening.decider';

/**
 * `rm_dialout_awaiting_calls`: a row per call waiting for its user's usage location, gone once
 * the call is decided (cleared, refused, or rejected at its deadline). The chunk is reduced to
 * each call's last state first, then written in one insert and one delete.
 */
export const awaitingCallsProjection: Projection = {
  name: 'dialout-awaiting-calls',
  handles: ['CallAwaitingUsageLocation', 'CallCleared', 'CallRejected'],
  tables: ['rm_dialout_awaiting_calls'],

  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    const last = new Map<string, { tenantId: string; callId: string; waiting?: CallAwaitingUsageLocationData }>();
    for (const event of events) {
      const { callId } = dataOf<{ callId: string }>(event);
      const waiting = event.type === 'CallAwaitingUsageLocation' ? dataOf<CallAwaitingUsageLocationData>(event) : undefined;
      last.set(JSON.stringify([event.tenantId, callId]), { tenantId: event.tenantId, callId, waiting });
    }
    const rows = [...last.values()];
    const waiting = rows.filter((row) => row.waiting !== undefined).map((row) => ({ tenantId: row.tenantId, ...row.waiting! }));
    const decided = rows.filter((row) => row.waiting === undefined);

    if (waiting.length > 0) {
      await sql.query(
        `INSERT INTO rm_dialout_awaiting_calls (tenant_id, call_id, user_id, call_type, to_number, control, policy_name, since, deadline)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
         ON CONFLICT (tenant_id, call_id) DO NOTHING`,
        [
          waiting.map((w) => w.tenantId),
          waiting.map((w) => w.callId),
          waiting.map((w) => w.userId),
          waiting.map((w) => w.callType),
          waiting.map((w) => w.to),
          waiting.map((w) => w.control),
          waiting.map((w) => w.policyName),
          waiting.map((w) => w.since),
          waiting.map((w) => w.deadline),
        ],
      );
    }
    if (decided.length > 0) {
      await sql.query(
        `DELETE FROM rm_dialout_awaiting_calls a USING unnest($1::text[], $2::text[]) AS d(tenant_id, call_id)
          WHERE a.tenant_id = d.tenant_id AND a.call_id = d.call_id`,
        [decided.map((d) => d.tenantId), decided.map((d) => d.callId)],
      );
    }
  },
};
