import { Injectable } from '@nestjs/common';
import { UserUpsertedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { dialoutUserDecider } from '../domain/dialout-user.decider';
import { DialoutStreams } from '../dialout-streams';

/**
 * Learns users' usage locations from licensing's `UserUpserted`, inside the consumed chunk's
 * transaction: stage 1 needs them to tell a domestic call from an international one.
 */
@Injectable()
export class UsageLocations {
  constructor(private readonly store: EventStore) {}

  async learn(sql: SqlClient, events: UserUpsertedV1[]): Promise<void> {
    if (events.length === 0) return;
    await decideAndAppendBatch(
      sql,
      this.store,
      dialoutUserDecider,
      events.map((event) => ({
        target: DialoutStreams.user(event.tenantId, event.userId),
        command: { type: 'LearnUsageLocation', userId: event.userId, usageLocation: event.usageLocation } as const,
        options: { metadata: { correlationId: event.correlationId ?? event.eventId, causationId: event.eventId } },
      })),
    );
  }
}
