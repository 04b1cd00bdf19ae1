import { Inject, Injectable } from '@nestjs/common';
import { callStream, callStreamId } from '@comms-credits/call-log';
import { CallEntitledV1, monthOf } from '@comms-credits/contracts';
import { DomainError, Result, fold } from '@comms-credits/domain-kit';
import { EventStore, ReadStreamResult, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { EntitledCall, PoolCallEvent, PoolCallState, PoolGrantPolicy, poolCallDecider, settlementOf, wantedMinutes } from '../domain/pool-call.decider';
import { PoolMonthEvent } from '../domain/pool-month.decider';
import { poolMonthStream } from './pool-ledger.streams';
import { decideOnMonths } from './pool-months';
import { capacityMinutesOf } from './pool.queries';

export const POOL_GRANT_POLICY = Symbol('POOL_GRANT_POLICY');

export interface CallKey {
  tenantId: string;
  callId: string;
  /** The event that made us look at the call (for causation). */
  causationId: string;
}

/**
 * Admission stage 3, settlement and expiry, inside the caller's transaction. A chunk's calls are
 * read, decided and appended together. Every minute the pool grants is first reserved on the
 * month's stream, whose snapshot row (locked) and version serialize every admission, debit and
 * expiry of that month, so concurrent calls (in one chunk, across partitions or instances)
 * never share a minute.
 */
@Injectable()
export class PoolFunding {
  constructor(
    private readonly store: EventStore,
    @Inject(POOL_GRANT_POLICY) private readonly policy: PoolGrantPolicy,
  ) {}

  /** Reserves pool minutes for entitled calls and decides them; settles any whose end came first. */
  async admit(sql: SqlClient, entitled: CallEntitledV1[], now = new Date().toISOString()): Promise<void> {
    const { streams, states } = await this.callStates(sql, entitled);
    const undecided = entitled.filter((e) => !states.get(callStreamId(e.tenantId, e.callId))!.decided);
    const reserved = await this.reserve(
      sql,
      undecided.map((e) => ({ tenantId: e.tenantId, call: entitledCall(e) })),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      undecided.map((e) => ({
        target: callStream(e.tenantId, e.callId),
        command: {
          type: 'Admit' as const,
          call: entitledCall(e),
          reservedMinutes: reserved.get(callStreamId(e.tenantId, e.callId)) ?? 0,
          policy: this.policy,
          now,
        },
        options: { metadata: { correlationId: e.callId, causationId: e.eventId } },
      })),
      streams, // read above; reserving appended to month streams only
    );
    // A call whose end came before its admission is settled now. Only those: the others' ends
    // will settle them, and reading every call's stream again would cost a statement per chunk.
    // (An end appended meanwhile by another transaction makes the appends above conflict.)
    await this.settle(
      sql,
      entitled
        .filter((e) => states.get(callStreamId(e.tenantId, e.callId))!.endedSeconds !== undefined)
        .map((e) => ({ tenantId: e.tenantId, callId: e.callId, causationId: e.eventId })),
    );
  }

  /** Reserves, per call in order, up to the minutes it wants of what its month has unreserved. */
  private async reserve(sql: SqlClient, calls: { tenantId: string; call: EntitledCall }[]): Promise<Map<string, number>> {
    const wanting = calls.filter(({ call }) => wantedMinutes(call, this.policy) > 0);
    const capacity = await capacityMinutesOf(
      sql,
      wanting.map((c) => c.tenantId),
    );
    const results = await decideOnMonths(
      sql,
      this.store,
      wanting.map(({ tenantId, call }) => {
        const month = monthOf(call.startedAt);
        return {
          target: poolMonthStream(tenantId, month),
          command: {
            type: 'Reserve' as const,
            month,
            callId: call.callId,
            wantedMinutes: wantedMinutes(call, this.policy),
            capacityMinutes: capacity.get(tenantId) ?? 0,
          },
          options: { metadata: { correlationId: call.callId } },
        };
      }),
    );
    return new Map(
      wanting.map(({ tenantId, call }, i) => {
        const result = results[i]!;
        const event = result.ok ? result.value.find((e) => e.type === 'PoolMinutesReserved') : undefined;
        return [callStreamId(tenantId, call.callId), event?.type === 'PoolMinutesReserved' ? event.data.minutes : 0];
      }),
    );
  }

  /**
   * Settles the pool-funded calls among `calls` whose end is known and that are not settled
   * yet: the month debits the call's share up to its reservation, the rest goes to the wallet.
   */
  async settle(sql: SqlClient, calls: CallKey[]): Promise<void> {
    if (calls.length === 0) return;
    const unique = uniqueBy(calls, (c) => callStreamId(c.tenantId, c.callId));
    const { streams, states } = await this.callStates(sql, unique);
    const due = unique.flatMap((c) => {
      const settlement = settlementOf(states.get(callStreamId(c.tenantId, c.callId))!);
      return settlement ? [{ ...c, ...settlement }] : [];
    });
    if (due.length === 0) return;

    const capacity = await capacityMinutesOf(
      sql,
      due.map((c) => c.tenantId),
    );
    const debits = await decideOnMonths(
      sql,
      this.store,
      due.map((c) => ({
        target: poolMonthStream(c.tenantId, c.month),
        command: { type: 'Debit' as const, month: c.month, callId: c.callId, minutes: c.minutes, capacityMinutes: capacity.get(c.tenantId) ?? 0 },
        options: { metadata: { correlationId: c.callId, causationId: c.causationId } },
      })),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      due.flatMap((c, i) => {
        const debited = debitedOf(debits[i]!);
        // Already debited by an earlier attempt that did not settle the call: nothing to add.
        if (!debited) return [];
        return [
          {
            target: callStream(c.tenantId, c.callId),
            command: {
              type: 'Settle' as const,
              debit: { month: c.month, minutes: c.minutes, poolMinutes: debited.poolMinutes, uncoveredMinutes: debited.uncoveredMinutes },
            },
            options: { metadata: { correlationId: c.callId, causationId: c.causationId } },
          },
        ];
      }),
      streams, // read above; the debits appended to month streams only
    );
  }

  /** Releases the reservations of calls whose end did not come in time, and marks them. */
  async expire(sql: SqlClient, calls: { tenantId: string; callId: string; month: string }[]): Promise<void> {
    await decideOnMonths(
      sql,
      this.store,
      calls.map((c) => ({
        target: poolMonthStream(c.tenantId, c.month),
        command: { type: 'ExpireReservation' as const, month: c.month, callId: c.callId },
        options: { metadata: { correlationId: c.callId } },
      })),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      calls.map((c) => ({
        target: callStream(c.tenantId, c.callId),
        command: { type: 'MarkSettlementMissing' as const },
        options: { metadata: { correlationId: c.callId } },
      })),
    );
  }

  /** The calls' streams as read now, and each call's state folded from its stream. */
  private async callStates(
    sql: SqlClient,
    calls: { tenantId: string; callId: string }[],
  ): Promise<{ streams: Map<string, ReadStreamResult>; states: Map<string, PoolCallState> }> {
    const ids = [...new Set(calls.map((c) => callStreamId(c.tenantId, c.callId)))];
    const streams = await this.store.readStreams(sql, ids);
    const states = new Map(
      ids.map((id) => [id, fold(poolCallDecider.evolve, poolCallDecider.initialState(), streams.get(id)!.events as unknown as PoolCallEvent[])]),
    );
    return { streams, states };
  }
}

function debitedOf(result: Result<PoolMonthEvent[], DomainError>) {
  if (!result.ok) throw new Error(`pool debit refused: ${result.error.message}`);
  const debited = result.value.find((e) => e.type === 'PoolMinutesDebited');
  return debited?.type === 'PoolMinutesDebited' ? debited.data : undefined;
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
