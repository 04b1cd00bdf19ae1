import { Injectable } from '@nestjs/common';
import { DialoutPoliciesRestatedV1, GlobalPolicyGrantedV1, UserPolicyGrantedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { DialoutPolicyReplicaCommand, dialoutPolicyReplicaDecider } from '../domain/dialout-policy-replica.decider';
import { dialoutPoliciesStream } from './licensing.streams';

/** The facts of `dialout-policy.events` the replica learns from. */
export type DialoutPolicyFact = GlobalPolicyGrantedV1 | UserPolicyGrantedV1 | DialoutPoliciesRestatedV1;

const POLICY_FACTS: ReadonlySet<string> = new Set<DialoutPolicyFact['type']>(['GlobalPolicyGranted', 'UserPolicyGranted', 'DialoutPoliciesRestated']);

export function isDialoutPolicyFact(event: { type: string }): event is DialoutPolicyFact {
  return POLICY_FACTS.has(event.type);
}

/** A user's policies as learned: `known` false means the tenant's may be incomplete here. */
export interface PoliciesOfUser {
  known: boolean;
  /** null: none granted, the default applies. */
  globalPolicy: string | null;
  /** null: none of their own, the Global one applies. */
  userPolicy: string | null;
}

/**
 * Learns the dial-out policy service's grants and restatements, inside the consumed chunk's
 * transaction, in the order they were published (one partition per tenant). The replica is
 * what admission in licensing's own hop will screen calls by (docs/architecture.md,
 * "Admission in fewer hops"); the policies stay the dial-out policy service's.
 */
@Injectable()
export class DialoutPolicyReplica {
  constructor(private readonly store: EventStore) {}

  /**
   * For each (tenant, user): whether the tenant's policies are known here, its Global policy and
   * the user's own, as learned so far (exact inside the caller's transaction). One statement.
   */
  async policiesFor(sql: SqlClient, keys: { tenantId: string; userId: string }[]): Promise<Map<string, PoliciesOfUser>> {
    const { rows } = await sql.query<{ tenant_id: string; user_id: string; known: boolean | null; global_policy: string | null; policy_name: string | null }>(
      `SELECT k.tenant_id, k.user_id, t.known, t.global_policy, u.policy_name
         FROM unnest($1::text[], $2::text[]) AS k(tenant_id, user_id)
         LEFT JOIN rm_licensing_dialout_tenants t ON t.tenant_id = k.tenant_id
         LEFT JOIN rm_licensing_dialout_users u ON u.tenant_id = k.tenant_id AND u.user_id = k.user_id`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.userId)],
    );
    return new Map(rows.map((r) => [`${r.tenant_id}/${r.user_id}`, { known: r.known === true, globalPolicy: r.global_policy, userPolicy: r.policy_name }]));
  }

  async learn(sql: SqlClient, facts: DialoutPolicyFact[]): Promise<void> {
    if (facts.length === 0) return;
    await decideAndAppendBatch(
      sql,
      this.store,
      dialoutPolicyReplicaDecider,
      facts.map((fact) => ({
        target: dialoutPoliciesStream(fact.tenantId),
        command: commandOf(fact),
        options: { metadata: { correlationId: fact.correlationId ?? fact.eventId, causationId: fact.eventId } },
      })),
    );
  }
}

function commandOf(fact: DialoutPolicyFact): DialoutPolicyReplicaCommand {
  switch (fact.type) {
    case 'DialoutPoliciesRestated':
      return {
        type: 'LearnRestatement',
        globalPolicy: fact.globalPolicy,
        userPolicies: fact.userPolicies.map((u) => ({ userId: u.userId, policyName: u.policyName })),
        page: fact.page,
        pages: fact.pages,
        edition: fact.edition ?? 1,
      };
    case 'GlobalPolicyGranted':
      return { type: 'LearnGlobalPolicy', policyName: fact.policyName };
    case 'UserPolicyGranted':
      return { type: 'LearnUserPolicy', userId: fact.userId, policyName: fact.policyName };
  }
}
