import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CallAdmittedV1,
  CallChargedV1,
  CallClearedV2,
  CallScreenedV1,
  CallEndedV1,
  CallEntitledV1,
  CallRejectedV1,
  CallStartedV1,
  Envelope,
  PoolCallSettledV1,
  Topics,
} from '@comms-credits/contracts';
import { BATCH, KafkaBatchOfContext } from '@comms-credits/messaging';
import { ObservedFact, UsageRecorder } from '../application/usage-recorder';

type AnyEvent = Envelope & Record<string, unknown>;

/**
 * Everything the report is made of, from the services that own it: telephony's starts and
 * ends, the admission decisions, the policy and licensing stages' facts, the pool's and the
 * wallet's settlements; and the alerts that become webhooks. Owns no decision.
 */
@Controller()
export class ReportingConsumer {
  constructor(private readonly recorder: UsageRecorder) {}

  @EventPattern(Topics.CallStarted, BATCH)
  async onCallStarted(@Payload() events: CallStartedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.record(
      ctx.sql,
      events.map((e) => ({
        event: e,
        callId: e.callId,
        fact: { kind: 'started', callType: e.callType, userId: e.userId ?? null, from: e.from, to: e.to, startedAt: e.occurredAt },
      })),
    );
  }

  @EventPattern(Topics.CallEnded, BATCH)
  async onCallEnded(@Payload() events: CallEndedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.record(
      ctx.sql,
      events.map((e) => ({ event: e, callId: e.callId, fact: { kind: 'ended', durationSeconds: e.durationSeconds, endedAt: e.occurredAt } })),
    );
  }

  @EventPattern(Topics.CallDecisions, BATCH)
  async onDecisions(@Payload() events: (CallAdmittedV1 | CallRejectedV1)[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.record(
      ctx.sql,
      events.map((e): ObservedFact => {
        if (e.type === 'CallRejected') return { event: e, callId: e.callId, fact: { kind: 'rejected', reason: e.reason, decidedBy: e.decidedBy } };
        const split = e.split ? { poolSeconds: e.split.poolSeconds, creditSeconds: e.split.creditSeconds } : null;
        const capability = typeof e.capability === 'string' ? { capability: e.capability } : {};
        return {
          event: e,
          callId: e.callId,
          fact: { kind: 'admitted', funding: e.funding, maxDurationSeconds: e.maxDurationSeconds, split, decidedBy: e.decidedBy, ...capability },
        };
      }),
    );
  }

  @EventPattern(Topics.DialoutPolicyEvents, BATCH)
  async onDialoutPolicyEvents(@Payload() events: CallClearedV2[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.record(
      ctx.sql,
      events
        .filter((e) => e.type === 'CallCleared')
        .map((e) => ({ event: e, callId: e.callId, fact: { kind: 'cleared', destinationCountry: e.destinationCountry, domestic: e.domestic } })),
    );
  }

  @EventPattern(Topics.LicensingEvents, BATCH)
  async onLicensingEvents(@Payload() events: (CallEntitledV1 | CallScreenedV1)[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.record(ctx.sql, events.flatMap(stageFactsOf));
    await this.recorder.tenants(ctx.sql, Topics.LicensingEvents, events as unknown as AnyEvent[]);
  }

  @EventPattern(Topics.PoolLedgerEvents, BATCH)
  async onPoolEvents(@Payload() events: AnyEvent[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const settled = events.filter((e): e is PoolCallSettledV1 & AnyEvent => e.type === 'PoolCallSettled');
    await this.recorder.record(ctx.sql, [
      ...settled.map((e): ObservedFact => ({
        event: e,
        callId: e.callId,
        fact: { kind: 'pool-settled', month: e.month, minutes: e.minutes, poolMinutes: e.poolMinutes, uncoveredMinutes: e.uncoveredMinutes },
      })),
      // Screened and entitled in the pool's hop (the one-hop admission): the same facts licensing states.
      ...(events as unknown as (CallEntitledV1 | CallScreenedV1)[]).flatMap(stageFactsOf),
    ]);
    await this.recorder.tenants(ctx.sql, Topics.PoolLedgerEvents, events);
    await this.recorder.alert(ctx.sql, events);
  }

  @EventPattern(Topics.CreditWalletEvents, BATCH)
  async onWalletEvents(@Payload() events: AnyEvent[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const charged = events.filter((e): e is CallChargedV1 & AnyEvent => e.type === 'CallCharged');
    await this.recorder.record(
      ctx.sql,
      charged.map((e) => ({
        event: e,
        callId: e.callId,
        fact: {
          kind: 'charged',
          chargeKind: e.kind,
          cost: e.cost.amount,
          currency: e.cost.currency,
          connectionFee: e.kind === 'call' ? e.rate.connectionFee : '0',
          perMinute: e.rate.perMinute,
          billedMinutes: e.billedMinutes,
          rateCardVersion: e.rate.rateCardVersion,
        },
      })),
    );
    await this.recorder.tenants(ctx.sql, Topics.CreditWalletEvents, events);
    await this.recorder.alert(ctx.sql, events);
  }

  @EventPattern(Topics.TollFreeEvents, BATCH)
  async onTollFreeEvents(@Payload() events: AnyEvent[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.recorder.tenants(ctx.sql, Topics.TollFreeEvents, events);
    await this.recorder.alert(ctx.sql, events);
  }
}

/** The facts stages 1 and 2 state of a call, wherever they were decided (licensing, or the pool in one hop). */
function stageFactsOf(e: CallEntitledV1 | CallScreenedV1): ObservedFact[] {
  if (e.type === 'CallEntitled') {
    return [
      { event: e, callId: e.callId, fact: { kind: 'entitled', capability: e.capability, destinationCountry: e.destinationCountry, domestic: e.domestic } },
    ];
  }
  // Screened in one hop: the same fact a CallCleared gives when the dial-out policy service screens.
  if (e.type === 'CallScreened' && e.outcome === 'cleared' && e.destinationCountry !== null) {
    return [{ event: e, callId: e.callId, fact: { kind: 'cleared', destinationCountry: e.destinationCountry, domestic: e.domestic } }];
  }
  return [];
}
