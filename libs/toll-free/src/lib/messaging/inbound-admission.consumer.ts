import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallStartedV1, Topics, isInbound } from '@comms-credits/contracts';
import { callStream } from '@comms-credits/call-log';
import { EventStore, decideAndAppendBatch } from '@comms-credits/event-store';
import { BATCH, KafkaBatchOfContext } from '@comms-credits/messaging';
import { tenantNumbersOf } from '../application/toll-free.queries';
import { InboundCall, inboundCallDecider } from '../domain/inbound-call.decider';

/**
 * The first stage of inbound admission: every inbound call is decided here, in the chunk's
 * transaction (after the call log has recorded it). Outbound calls are the dial-out chain's.
 */
@Controller()
export class InboundAdmissionConsumer {
  constructor(private readonly store: EventStore) {}

  @EventPattern(Topics.CallStarted, BATCH)
  async onCallStarted(@Payload() events: CallStartedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const inbound = events.filter((e) => isInbound(e.callType));
    if (inbound.length === 0) return;
    const held = await tenantNumbersOf(
      ctx.sql,
      inbound.map((c) => c.tenantId),
      inbound.map((c) => c.to),
    );
    await decideAndAppendBatch(
      ctx.sql,
      this.store,
      inboundCallDecider,
      inbound.map((c) => ({
        target: callStream(c.tenantId, c.callId),
        command: { type: 'Admit' as const, call: inboundCall(c), number: held.get(`${c.tenantId}/${c.to}`) },
        options: { metadata: { correlationId: c.callId, causationId: c.eventId } },
      })),
    );
  }
}

function inboundCall(c: CallStartedV1): InboundCall {
  return {
    callId: c.callId,
    callType: c.callType as InboundCall['callType'],
    ...(c.userId ? { userId: c.userId } : {}),
    from: c.from,
    to: c.to,
    startedAt: c.occurredAt,
  };
}
