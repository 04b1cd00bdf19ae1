import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { DialoutPolicyReplicaEvent } from './dialout-policy-replica.decider';

/** The services that keep the replica, each in tables of its own (`rm_<service>_dialout_tenants`/`_users`). */
export type ReplicaTables = 'licensing' | 'pool';

function tablesOf(service: ReplicaTables): { tenants: string; users: string } {
  return { tenants: `rm_${service}_dialout_tenants`, users: `rm_${service}_dialout_users` };
}

/** A tenant's dial-out policies as a service has learned them. */
export interface LearnedDialoutPolicies {
  /** Every grant is known: the tenant's restatement has been learned, every page of it. */
  known: boolean;
  /** null: none granted, the default Global policy applies. */
  globalPolicy: string | null;
  userPolicies: { userId: string; policyName: string }[];
  /** When the service last learned a change (null: never). */
  learnedAt: string | null;
}

/** What the service has learned of the tenant's dial-out policies. */
export async function learnedDialoutPolicies(sql: SqlClient, service: ReplicaTables, tenantId: string): Promise<LearnedDialoutPolicies> {
  const { tenants, users } = tablesOf(service);
  const [tenant] = (
    await sql.query<{ global_policy: string | null; known: boolean; learned_at: Date }>(
      `SELECT global_policy, known, learned_at FROM ${tenants} WHERE tenant_id = $1`,
      [tenantId],
    )
  ).rows;
  const { rows } = await sql.query<{ user_id: string; policy_name: string }>(
    `SELECT user_id, policy_name FROM ${users} WHERE tenant_id = $1 ORDER BY user_id`,
    [tenantId],
  );
  return {
    known: tenant?.known ?? false,
    globalPolicy: tenant?.global_policy ?? null,
    userPolicies: rows.map((u) => ({ userId: u.user_id, policyName: u.policy_name })),
    learnedAt: tenant?.learned_at.toISOString() ?? null,
  };
}

/**
 * `rm_<service>_dialout_tenants` and `rm_<service>_dialout_users`: the dial-out policies the
 * service has learned, applied in the order they were published. A restatement replaces them
 * (its first page clears the users' own; a grant published before it is in it already); a grant
 * after it changes one. Policies change rarely: one statement per change.
 */
export function dialoutPoliciesProjection(service: ReplicaTables): Projection {
  const { tenants, users: userTable } = tablesOf(service);
  return {
    name: `${service}-dialout-policies`,
    handles: ['DialoutPoliciesRestatementLearned', 'DialoutGlobalPolicyLearned', 'DialoutUserPolicyLearned'],
    tables: [tenants, userTable],
    async apply(sql: SqlClient, events: RecordedEvent[]) {
      const tenant = (event: RecordedEvent, globalPolicy: string | null, known: boolean) =>
        sql.query(
          `INSERT INTO ${tenants} AS t (tenant_id, global_policy, known, learned_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id) DO UPDATE SET global_policy = excluded.global_policy, known = t.known OR excluded.known, learned_at = excluded.learned_at`,
          [event.tenantId, globalPolicy, known, event.occurredAt],
        );
      const users = (event: RecordedEvent, policies: { userId: string; policyName: string | null }[]) =>
        sql.query(
          `WITH given AS (SELECT * FROM unnest($2::text[], $3::text[]) AS g(user_id, policy_name)),
              removed AS (DELETE FROM ${userTable} u USING given g
                           WHERE u.tenant_id = $1 AND u.user_id = g.user_id AND g.policy_name IS NULL)
         INSERT INTO ${userTable} (tenant_id, user_id, policy_name)
         SELECT $1, user_id, policy_name FROM given WHERE policy_name IS NOT NULL
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET policy_name = excluded.policy_name`,
          [event.tenantId, policies.map((p) => p.userId), policies.map((p) => p.policyName)],
        );
      for (const event of events) {
        if (event.type === 'DialoutPoliciesRestatementLearned') {
          const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutPoliciesRestatementLearned'>>(event);
          // A restatement is the policies in force when it was made: its first page replaces the tenant's.
          if (d.page === 1) await sql.query(`DELETE FROM ${userTable} WHERE tenant_id = $1`, [event.tenantId]);
          await tenant(event, d.globalPolicy, d.complete);
          await users(event, d.userPolicies);
        } else if (event.type === 'DialoutGlobalPolicyLearned') {
          const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutGlobalPolicyLearned'>>(event);
          await tenant(event, d.policyName, false);
        } else {
          const d = dataOf<DataOf<DialoutPolicyReplicaEvent, 'DialoutUserPolicyLearned'>>(event);
          await users(event, [d]);
          await sql.query(`UPDATE ${tenants} SET learned_at = $2 WHERE tenant_id = $1`, [event.tenantId, event.occurredAt]);
        }
      }
    },
  };
}
