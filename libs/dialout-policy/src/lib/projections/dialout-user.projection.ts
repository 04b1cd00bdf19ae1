import { dataOf, Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { DialoutUserEvent } from '../domain/dialout-user.decider';
import { latestPerKey } from './latest-per-key';

type Data<T extends DialoutUserEvent['type']> = Extract<DialoutUserEvent, { type: T }>['data'];

/**
 * `rm_dialout_user`: a user's own policy and usage location. One statement per event type per
 * chunk; each sets only its own column, so the two arrive in any order.
 */
export const dialoutUserProjection: Projection = {
  name: 'dialout-user',
  handles: ['UserPolicyGranted', 'UsageLocationLearned'],
  tables: ['rm_dialout_user'],

  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    await upsertColumn(sql, 'policy_name', events, 'UserPolicyGranted', (e) => dataOf<Data<'UserPolicyGranted'>>(e).policyName);
    await upsertColumn(sql, 'usage_location', events, 'UsageLocationLearned', (e) => dataOf<Data<'UsageLocationLearned'>>(e).usageLocation);
  },
};

async function upsertColumn(
  sql: SqlClient,
  column: 'policy_name' | 'usage_location',
  events: RecordedEvent[],
  type: DialoutUserEvent['type'],
  value: (event: RecordedEvent) => string | null,
): Promise<void> {
  const latest = latestPerKey(
    events.filter((e) => e.type === type),
    (e) => `${e.tenantId}:${dataOf<{ userId: string }>(e).userId}`,
  );
  if (latest.length === 0) return;
  await sql.query(
    `INSERT INTO rm_dialout_user AS u (tenant_id, user_id, ${column}, last_position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET
       ${column} = excluded.${column}, last_position = GREATEST(u.last_position, excluded.last_position)`,
    [latest.map((e) => e.tenantId), latest.map((e) => dataOf<{ userId: string }>(e).userId), latest.map(value), latest.map((e) => e.globalPosition)],
  );
}
