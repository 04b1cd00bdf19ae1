import { Projection, RecordedEvent, SqlClient, prepared } from '@comms-credits/event-store';
import { CallLogEvent } from './call-log.decider';

type Data<T extends CallLogEvent['type']> = Extract<CallLogEvent, { type: T }>['data'];

/** `rm_call_log`: one row per call; starts and ends are each written in one statement per batch. */
export const callLogProjection: Projection = {
  name: 'call-log',
  handles: ['CallStartObserved', 'CallEndObserved'],
  tables: ['rm_call_log'],

  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    const starts = events.filter((e) => e.type === 'CallStartObserved');
    const ends = events.filter((e) => e.type === 'CallEndObserved');
    if (starts.length > 0) {
      const data = starts.map((e) => e.data as Data<'CallStartObserved'>);
      await sql.query(
        prepared(`INSERT INTO rm_call_log AS c (tenant_id, call_id, call_type, user_id, from_number, to_number, meeting_id, started_at, last_position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::bigint[])
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET
           call_type = excluded.call_type, user_id = excluded.user_id, from_number = excluded.from_number,
           to_number = excluded.to_number, meeting_id = excluded.meeting_id, started_at = excluded.started_at,
           last_position = GREATEST(c.last_position, excluded.last_position)`),
        [
          starts.map((e) => e.tenantId),
          data.map((d) => d.callId),
          data.map((d) => d.callType),
          data.map((d) => d.userId),
          data.map((d) => d.from),
          data.map((d) => d.to),
          data.map((d) => d.meetingId),
          data.map((d) => d.startedAt),
          starts.map((e) => e.globalPosition),
        ],
      );
    }
    if (ends.length > 0) {
      const data = ends.map((e) => e.data as Data<'CallEndObserved'>);
      await sql.query(
        prepared(`INSERT INTO rm_call_log AS c (tenant_id, call_id, ended_at, duration_seconds, last_position)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::bigint[])
         ON CONFLICT (tenant_id, call_id) DO UPDATE SET
           ended_at = excluded.ended_at, duration_seconds = excluded.duration_seconds,
           last_position = GREATEST(c.last_position, excluded.last_position)`),
        [
          ends.map((e) => e.tenantId),
          data.map((d) => d.callId),
          data.map((d) => d.endedAt),
          data.map((d) => d.durationSeconds),
          ends.map((e) => e.globalPosition),
        ],
      );
    }
  },
};
