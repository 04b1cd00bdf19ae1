import { dataOf, Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { DialoutTenantEvent } from '../domain/dialout-tenant.decider';
import { latestPerKey } from './latest-per-key';

/** `rm_dialout_tenant_policy`: each tenant's granted Global policy, one statement per chunk. */
export const tenantPolicyProjection: Projection = {
  name: 'dialout-tenant-policy',
  handles: ['GlobalPolicyGranted'],
  tables: ['rm_dialout_tenant_policy'],

  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    const grants = latestPerKey(events, (e) => e.tenantId);
    await sql.query(
      `INSERT INTO rm_dialout_tenant_policy AS t (tenant_id, policy_name, last_position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (tenant_id) DO UPDATE SET policy_name = excluded.policy_name, last_position = excluded.last_position`,
      [
        grants.map((e) => e.tenantId),
        grants.map((e) => dataOf<Extract<DialoutTenantEvent, { type: 'GlobalPolicyGranted' }>['data']>(e).policyName),
        grants.map((e) => e.globalPosition),
      ],
    );
  },
};
