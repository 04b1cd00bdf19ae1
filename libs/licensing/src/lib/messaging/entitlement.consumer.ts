import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallClearedV1, Envelope, Topics } from '@comms-credits/contracts';
import { callStreamId } from '@comms-credits/call-log';
import { EventStore, decideAndAppendBatch } from '@comms-credits/event-store';
import { BATCH, KafkaBatchOfContext } from '@comms-credits/messaging';
import { licensesOf } from '../application/licensing.queries';
import { ClearedCall, callEntitlementDecider } from '../domain/call-entitlement.decider';

/**
 * Admission stage 2: calls the dial-out policy cleared are checked against the licences of
 * the organizer or caller, in the chunk's transaction. Other events of `dialout-policy.events`
 * are not this stage's business.
 */
@Controller()
export class EntitlementConsumer {
  constructor(private readonly store: EventStore) {}

  @EventPattern(Topics.DialoutPolicyEvents, BATCH)
  async onDialoutPolicyEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const cleared = events.filter((e): e is CallClearedV1 => e.type === 'CallCleared');
    if (cleared.length === 0) return;
    const licenses = await licensesOf(
      ctx.sql,
      cleared.map((c) => c.tenantId),
      cleared.map((c) => c.userId),
    );
    await decideAndAppendBatch(
      ctx.sql,
      this.store,
      callEntitlementDecider,
      cleared.map((c) => ({
        target: { streamId: callStreamId(c.tenantId, c.callId), streamType: 'call', tenantId: c.tenantId },
        command: { type: 'Entitle' as const, call: clearedCall(c), licenses: licenses.get(`${c.tenantId}/${c.userId}`) ?? [] },
        options: { metadata: { correlationId: c.callId, causationId: c.eventId } },
      })),
    );
  }
}

function clearedCall(c: CallClearedV1): ClearedCall {
  return {
    callId: c.callId,
    callType: c.callType,
    userId: c.userId,
    from: c.from,
    to: c.to,
    destinationCountry: c.destinationCountry,
    usageLocation: c.usageLocation,
    domestic: c.domestic,
    zoneA: c.zoneA,
    emergency: c.emergency,
    startedAt: c.startedAt,
  };
}
