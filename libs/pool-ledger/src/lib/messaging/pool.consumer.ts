import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CallEndedV1,
  CallEntitledV1,
  CallStartedV1,
  Envelope,
  LicenseAssignedV1,
  LicenseUnassignedV1,
  SubscriptionSeatsChangedV1,
  Topics,
} from '@comms-credits/contracts';
import { CallLog } from '@comms-credits/call-log';
import { DialoutPolicyReplica, isDialoutPolicyFact } from '@comms-credits/dialout-replica';
import { EventStore, decideAndAppendBatch } from '@comms-credits/event-store';
import { BATCH, BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { CallerReplica, isCallerFact } from '../application/caller-replica';
import { OneHopAdmission } from '../application/one-hop-admission';
import { PoolFunding } from '../application/pool-funding';
import { poolCapacityStream } from '../application/pool-ledger.streams';
import { ASSIGNED_POOL_SKU, CapacityCommand, capacityDecider } from '../domain/capacity.decider';

type LicensingFact = SubscriptionSeatsChangedV1 | LicenseAssignedV1 | LicenseUnassignedV1;

function isCapacityFact(event: Envelope): event is LicensingFact {
  return event.type === 'SubscriptionSeatsChanged' || event.type === 'LicenseAssigned' || event.type === 'LicenseUnassigned';
}

/**
 * What the pool consumes: licensing's facts (capacity, and the users the one-hop admission's
 * replica learns) and entitled calls (stage 3), the dial-out policies (the same replica), and the
 * ends of calls (settlement).
 */
@Controller()
export class PoolConsumer {
  constructor(
    private readonly store: EventStore,
    private readonly funding: PoolFunding,
    private readonly callLog: CallLog,
    private readonly callers: CallerReplica,
    private readonly policies: DialoutPolicyReplica,
    private readonly oneHop: OneHopAdmission,
  ) {}

  /**
   * The front door of every outbound call: decided here in one hop when the pool knows the
   * tenant's users and policies and the caller, else referred to licensing (OneHopAdmission).
   */
  @EventPattern(Topics.CallStarted, BATCH)
  async onCallStarted(@Payload() events: CallStartedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.oneHop.admit(ctx.sql, events);
  }

  @EventPattern(Topics.LicensingEvents, BATCH)
  async onLicensingEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    // In order: a seat change and a call entitled after it must see the new capacity.
    for (const run of runsOf(events, (e) => e.type === 'CallEntitled')) {
      if (run[0]!.type === 'CallEntitled') {
        await this.funding.admit(ctx.sql, run as CallEntitledV1[]);
      } else {
        await this.countCapacity(ctx, run.filter(isCapacityFact));
        await this.callers.learn(ctx.sql, run.filter(isCallerFact));
      }
    }
  }

  /** The dial-out policies, learned in the order published (the one-hop admission's replica). */
  @EventPattern(Topics.DialoutPolicyEvents, BATCH)
  async onDialoutPolicyEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.policies.learn(ctx.sql, events.filter(isDialoutPolicyFact));
  }

  /**
   * Settlement: nobody waits on it to admit a call, so its group gathers (BOOKKEEPING) and a
   * chunk of ends never holds up the admissions above. An end read before its call's admission
   * is recorded, and settles the call when it is admitted.
   */
  @EventPattern(Topics.CallEnded, BOOKKEEPING)
  async onCallEnded(@Payload() events: CallEndedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    // Settlement reads the end from the call's stream, so the end is recorded here first, in
    // whatever order the handlers run (KafkaBatchTransport's `chains`); recording it twice is a no-op.
    await this.callLog.observeEnded(ctx.sql, events);
    await this.funding.settle(
      ctx.sql,
      events.map((e) => ({ tenantId: e.tenantId, callId: e.callId, causationId: e.eventId })),
    );
  }

  private async countCapacity(ctx: KafkaBatchOfContext, facts: LicensingFact[]): Promise<void> {
    const commands = facts.flatMap((fact): { fact: LicensingFact; command: CapacityCommand }[] => {
      if (fact.type === 'SubscriptionSeatsChanged') return [{ fact, command: { type: 'CountSeats', sku: fact.sku, seats: fact.seats } }];
      if (fact.sku !== ASSIGNED_POOL_SKU) return [];
      return [{ fact, command: { type: 'CountSelectDialOut', userId: fact.userId, assigned: fact.type === 'LicenseAssigned' } }];
    });
    await decideAndAppendBatch(
      ctx.sql,
      this.store,
      capacityDecider,
      commands.map(({ fact, command }) => ({
        target: poolCapacityStream(fact.tenantId),
        command,
        options: { metadata: { causationId: fact.eventId } },
      })),
    );
  }
}

/** Splits a list into maximal runs of items on the same side of `predicate`, keeping order. */
function runsOf<T>(items: T[], predicate: (item: T) => boolean): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last && predicate(last[0]!) === predicate(item)) last.push(item);
    else runs.push([item]);
  }
  return runs;
}
