import { Injectable } from '@nestjs/common';
import { LicenseAssignedV1, LicenseUnassignedV1, LicensedUsersRestatedV1, UserUpsertedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { CallerReplicaCommand, callerReplicaDecider } from '../domain/caller-replica.decider';
import { callersStream } from './pool-ledger.streams';

/** The facts of `licensing.events` the replica learns from. */
export type CallerFact = LicensedUsersRestatedV1 | UserUpsertedV1 | LicenseAssignedV1 | LicenseUnassignedV1;

const CALLER_FACTS: ReadonlySet<string> = new Set<CallerFact['type']>(['LicensedUsersRestated', 'UserUpserted', 'LicenseAssigned', 'LicenseUnassigned']);

export function isCallerFact(event: { type: string }): event is CallerFact {
  return CALLER_FACTS.has(event.type);
}

/**
 * Learns licensing's users, usage locations and licences inside the consumed chunk's
 * transaction, in the order they were published (one partition per tenant): the replica the
 * one-hop admission will entitle calls by (docs/architecture.md, "Admission in one hop"). The
 * users stay licensing's.
 */
@Injectable()
export class CallerReplica {
  constructor(private readonly store: EventStore) {}

  async learn(sql: SqlClient, facts: CallerFact[]): Promise<void> {
    if (facts.length === 0) return;
    await decideAndAppendBatch(
      sql,
      this.store,
      callerReplicaDecider,
      facts.map((fact) => ({
        target: callersStream(fact.tenantId),
        command: commandOf(fact),
        options: { metadata: { correlationId: fact.correlationId ?? fact.eventId, causationId: fact.eventId } },
      })),
    );
  }
}

function commandOf(fact: CallerFact): CallerReplicaCommand {
  switch (fact.type) {
    case 'LicensedUsersRestated':
      return {
        type: 'LearnRestatement',
        users: fact.users.map((u) => ({ userId: u.userId, usageLocation: u.usageLocation, licenses: u.licenses })),
        page: fact.page,
        pages: fact.pages,
        edition: fact.edition,
      };
    case 'UserUpserted':
      return { type: 'LearnCaller', userId: fact.userId, usageLocation: fact.usageLocation };
    case 'LicenseAssigned':
    case 'LicenseUnassigned':
      return { type: 'LearnLicence', userId: fact.userId, sku: fact.sku, assigned: fact.type === 'LicenseAssigned' };
  }
}
