import { Injectable } from '@nestjs/common';
import { callStreamId } from '@comms-credits/call-log';
import { CallEntitledV1, monthOf } from '@comms-credits/contracts';
import { DomainError, Result, fold } from '@comms-credits/domain-kit';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { EntitledCall, PoolCallEvent, needsSettlement, poolCallDecider, wholeMinutes } from '../domain/pool-call.decider';
import { PoolMonthEvent, poolMonthDecider } from '../domain/pool-month.decider';
import { capacityMinutesOf, usedMinutesOf } from './pool.queries';

export interface CallKey {
  tenantId: string;
  callId: string;
  /** The event that made us look at the call (for causation). */
  causationId: string;
}

const callTarget = (tenantId: string, callId: string) => ({ streamId: callStreamId(tenantId, callId), streamType: 'call', tenantId });
const monthTarget = (tenantId: string, month: string) => ({ streamId: `pool:${tenantId}:${month}`, streamType: 'pool-month', tenantId });

/**
 * Admission stage 3 and settlement, inside the consumed chunk's transaction. A chunk's calls
 * are read, decided and appended together; months are serialized by their stream version.
 */
@Injectable()
export class PoolFunding {
  constructor(private readonly store: EventStore) {}

  /** Funds entitled calls from the pool while minutes remain, or hands them to the wallet. */
  async admit(sql: SqlClient, entitled: CallEntitledV1[]): Promise<void> {
    const months = entitled.map((e) => ({ tenantId: e.tenantId, month: monthOf(e.startedAt) }));
    const capacity = await capacityMinutesOf(sql, months.map((m) => m.tenantId));
    const used = await usedMinutesOf(sql, months);
    await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      entitled.map((e, i) => {
        const { tenantId, month } = months[i]!;
        const available = Math.max((capacity.get(tenantId) ?? 0) - (used.get(`${tenantId}/${month}`) ?? 0), 0);
        return {
          target: callTarget(e.tenantId, e.callId),
          command: { type: 'Admit' as const, call: entitledCall(e), availableMinutes: available },
          options: { metadata: { correlationId: e.callId, causationId: e.eventId } },
        };
      }),
    );
    await this.settle(sql, entitled.map((e) => ({ tenantId: e.tenantId, callId: e.callId, causationId: e.eventId })));
  }

  /**
   * Settles the pool-funded calls among `calls` whose end is known and that are not settled
   * yet: the month is debited what it can cover, the rest is handed to the wallet.
   */
  async settle(sql: SqlClient, calls: CallKey[]): Promise<void> {
    const streams = await this.store.readStreams(sql, [...new Set(calls.map((c) => callStreamId(c.tenantId, c.callId)))]);
    const due = uniqueBy(calls, (c) => callStreamId(c.tenantId, c.callId)).flatMap((c) => {
      const state = fold(poolCallDecider.evolve, poolCallDecider.initialState(), streams.get(callStreamId(c.tenantId, c.callId))!.events as unknown as PoolCallEvent[]);
      return needsSettlement(state) ? [{ ...c, month: state.funded!.month, minutes: wholeMinutes(state.endedSeconds!) }] : [];
    });
    if (due.length === 0) return;

    const capacity = await capacityMinutesOf(sql, due.map((c) => c.tenantId));
    const debits = await decideAndAppendBatch(
      sql,
      this.store,
      poolMonthDecider,
      due.map((c) => ({
        target: monthTarget(c.tenantId, c.month),
        command: { type: 'Debit' as const, month: c.month, callId: c.callId, minutes: c.minutes, capacityMinutes: capacity.get(c.tenantId) ?? 0 },
        options: { metadata: { correlationId: c.callId, causationId: c.causationId } },
      })),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      due.map((c, i) => {
        const debited = debitedOf(debits[i]!);
        return {
          target: callTarget(c.tenantId, c.callId),
          command: { type: 'Settle' as const, debit: { month: c.month, minutes: c.minutes, poolMinutes: debited.poolMinutes, uncoveredMinutes: debited.uncoveredMinutes } },
          options: { metadata: { correlationId: c.callId, causationId: c.causationId } },
        };
      }),
    );
  }
}

function debitedOf(result: Result<PoolMonthEvent[], DomainError>) {
  if (!result.ok) throw new Error(`pool debit refused: ${result.error.message}`);
  const debited = result.value.find((e) => e.type === 'PoolMinutesDebited');
  if (!debited || debited.type !== 'PoolMinutesDebited') throw new Error('pool debit produced no PoolMinutesDebited');
  return debited.data;
}

function entitledCall(e: CallEntitledV1): EntitledCall {
  return {
    callId: e.callId,
    callType: e.callType,
    userId: e.userId,
    from: e.from,
    to: e.to,
    destinationCountry: e.destinationCountry,
    usageLocation: e.usageLocation,
    domestic: e.domestic,
    zoneA: e.zoneA,
    emergency: e.emergency,
    startedAt: e.startedAt,
    poolEligible: e.poolEligible,
    creditsLicensed: e.creditsLicensed,
    capability: e.capability,
  };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)) !== undefined);
}
