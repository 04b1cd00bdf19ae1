import { Injectable } from '@nestjs/common';
import { UserUpsertedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient } from '@comms-credits/event-store';
import { callStream } from '@comms-credits/call-log';
import { callScreeningDecider, contractVersionOf } from '../domain/call-screening.decider';
import { dialoutTenantDecider, dialoutTenantStreamId } from '../domain/dialout-tenant.decider';
import { dialoutUserDecider } from '../domain/dialout-user.decider';
import { dialoutUserStream } from './dialout-policy.streams';
import { StreamBatch } from './stream-batch';

/**
 * Learns users' usage locations from licensing's `UserUpserted`, inside the consumed chunk's
 * transaction: stage 1 needs them to tell a domestic call from an international one. The calls
 * that were waiting for a user's usage location are judged in the same transaction, by the
 * policy in force now; the user's stream is appended at the version read, so a call that
 * begins to wait meanwhile (another transaction) conflicts and is judged on the retry.
 */
@Injectable()
export class UsageLocations {
  constructor(private readonly store: EventStore) {}

  async learn(sql: SqlClient, events: UserUpsertedV1[]): Promise<void> {
    if (events.length === 0) return;
    const userStream = (e: UserUpsertedV1) => dialoutUserStream(e.tenantId, e.userId);
    const batch = await new StreamBatch(this.store).read(
      sql,
      events.map((e) => userStream(e).streamId),
    );

    // The calls waiting now are all there will be in this transaction: read their streams (and
    // their tenants' Global policies) before any of them is judged.
    const waiting = events.flatMap((e) =>
      batch.state(userStream(e).streamId, dialoutUserDecider).awaitingCalls.map((callId) => callStream(e.tenantId, callId)),
    );
    if (waiting.length > 0) {
      await batch.read(sql, [...waiting.map((call) => call.streamId), ...events.map((e) => dialoutTenantStreamId(e.tenantId))]);
    }

    for (const event of events) {
      const target = userStream(event);
      const before = batch.state(target.streamId, dialoutUserDecider);
      batch.decide(
        target,
        dialoutUserDecider,
        { type: 'LearnUsageLocation', userId: event.userId, usageLocation: event.usageLocation },
        { metadata: { correlationId: event.correlationId ?? event.eventId, causationId: event.eventId } },
      );
      const user = batch.state(target.streamId, dialoutUserDecider);
      if (user.usageLocation === null) continue;

      const globalPolicy = before.awaitingCalls.length > 0 ? batch.state(dialoutTenantStreamId(event.tenantId), dialoutTenantDecider).globalPolicy : null;
      for (const callId of before.awaitingCalls) {
        const call = callStream(event.tenantId, callId);
        const startedEventId = batch.state(call.streamId, callScreeningDecider).awaiting?.startedEventId;
        batch.decide(
          call,
          callScreeningDecider,
          { type: 'JudgeAwaitingCall', user, globalPolicy },
          { metadata: { correlationId: callId, causationId: startedEventId ?? event.eventId }, versionOf: contractVersionOf },
        );
      }
    }
    await batch.append(sql);
  }
}
