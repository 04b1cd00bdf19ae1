import { Injectable } from '@nestjs/common';
import { DialoutPoliciesRestatedV1, GlobalPolicyGrantedV1, UserPolicyGrantedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, StreamTarget, decideAndAppendBatch } from '@comms-credits/event-store';
import { DialoutPolicyReplicaCommand, dialoutPolicyReplicaDecider } from './dialout-policy-replica.decider';

/** The facts of `dialout-policy.events` the replica learns from. */
export type DialoutPolicyFact = GlobalPolicyGrantedV1 | UserPolicyGrantedV1 | DialoutPoliciesRestatedV1;

const POLICY_FACTS: ReadonlySet<string> = new Set<DialoutPolicyFact['type']>(['GlobalPolicyGranted', 'UserPolicyGranted', 'DialoutPoliciesRestated']);

export function isDialoutPolicyFact(event: { type: string }): event is DialoutPolicyFact {
  return POLICY_FACTS.has(event.type);
}

/** What a service has learned of a tenant's dial-out policies, `dialout-policies:<tenant>`. */
export function dialoutPoliciesStream(tenantId: string): StreamTarget {
  return { streamId: `dialout-policies:${tenantId}`, streamType: 'dialout-policies', tenantId };
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
