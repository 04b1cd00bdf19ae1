import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallClearedV2, Envelope, PoolCallReferredV1, Topics } from '@comms-credits/contracts';
import { callStream } from '@comms-credits/call-log';
import { EventStore, decideAndAppendBatch } from '@comms-credits/event-store';
import { BATCH, KafkaBatchOfContext } from '@comms-credits/messaging';
import { CallAdmission } from '../application/call-admission';
import { DialoutPolicyReplica, isDialoutPolicyFact } from '@comms-credits/dialout-replica';
import { startedOfReferral } from '@comms-credits/dialout-rules';
import { callersOf } from '../application/licensing.queries';
import { ClearedCall, callEntitlementDecider } from '../domain/call-entitlement.decider';

/**
 * Admission stage 2: calls the dial-out policy cleared are checked against the licences of
 * the organizer or caller, in the chunk's transaction. The policy grants and restatements on
 * `dialout-policy.events` are learned in the same transaction, in the order published: the
 * replica admission in one hop will screen by (DialoutPolicyReplica). A call cleared before stage 1 knew the user's usage location
 * (CallCleared v2) gets it here, from the user licensing owns.
 *
 * Ordering: a licence assignment commits in this service before its HTTP answer, and stage 1
 * clears a call only after its CallStarted, so a call started after the assignment was
 * answered always finds it here. A call started while the assignment is still in flight is
 * judged by the licences committed when its CallCleared is consumed.
 */
@Controller()
export class EntitlementConsumer {
  constructor(
    private readonly store: EventStore,
    private readonly replica: DialoutPolicyReplica,
    private readonly admission: CallAdmission,
  ) {}

  /**
   * The outbound calls the pool did not decide in its hop (since session 10 the pool is their
   * front door): stages 1 and 2 here for those whose policies and user are known here, the
   * others referred on to the dial-out policy service (CallAdmission).
   */
  @EventPattern(Topics.PoolLedgerEvents, BATCH)
  async onPoolReferrals(@Payload() events: PoolCallReferredV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.admission.admit(ctx.sql, events.map(startedOfReferral));
  }

  @EventPattern(Topics.DialoutPolicyEvents, BATCH)
  async onDialoutPolicyEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.replica.learn(ctx.sql, events.filter(isDialoutPolicyFact));
    const cleared = events.filter((e): e is CallClearedV2 => e.type === 'CallCleared');
    if (cleared.length === 0) return;
    const callers = await callersOf(
      ctx.sql,
      cleared.map((c) => c.tenantId),
      cleared.map((c) => c.userId),
    );
    await decideAndAppendBatch(
      ctx.sql,
      this.store,
      callEntitlementDecider,
      cleared.map((c) => ({
        target: callStream(c.tenantId, c.callId),
        command: { type: 'Entitle' as const, call: clearedCall(c), caller: callers.get(`${c.tenantId}/${c.userId}`) ?? UNKNOWN_CALLER },
        options: { metadata: { correlationId: c.callId, causationId: c.eventId } },
      })),
    );
  }
}

/** A user licensing has never seen: no usage location, no licence. */
const UNKNOWN_CALLER = { usageLocation: null, licenses: [] };

function clearedCall(c: CallClearedV2): ClearedCall {
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
