import { Capability, monthOf } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/** Calls are billed in whole minutes: 61 s is 2 minutes (domain.md: 60/60 increments). */
export function wholeMinutes(seconds: number): number {
  return Math.ceil(seconds / 60);
}

/** A call as licensing entitled it (CallEntitled without its envelope). */
export interface EntitledCall {
  callId: string;
  callType: 'conf_out' | 'user_out';
  userId: string;
  from: string;
  to: string;
  destinationCountry: string;
  usageLocation: string;
  domestic: boolean;
  zoneA: boolean;
  emergency: boolean;
  startedAt: string;
  poolEligible: boolean;
  creditsLicensed: boolean;
  capability: Capability;
}

/**
 * Stage 3 on the call's stream (`call:<tenant>:<callId>`, shared with the call-log slice, whose
 * `CallEndObserved` tells the duration). The pool decides once per call; a pool-funded call is
 * settled once, when both its admission and its end are known, in whatever order they came.
 */
export type PoolCallEvent =
  | DomainEvent<'CallAdmitted', { callId: string; funding: 'pool'; maxDurationSeconds: number; decidedBy: 'pool-ledger' }>
  | DomainEvent<'CallFundedFromPool', { callId: string; month: string; userId: string; destinationCountry: string; creditsLicensed: boolean; maxDurationSeconds: number }>
  | DomainEvent<'CallHandedToWallet', Omit<EntitledCall, 'poolEligible'> & { reason: 'NOT_POOL_ELIGIBLE' | 'POOL_EXHAUSTED' }>
  | DomainEvent<'PoolCallSettled', { callId: string; month: string; durationSeconds: number; minutes: number; poolMinutes: number; uncoveredMinutes: number }>
  | DomainEvent<
      'PoolOverflowHandedToWallet',
      { callId: string; userId: string; destinationCountry: string; month: string; durationSeconds: number; poolMinutes: number; uncoveredMinutes: number; creditsLicensed: boolean }
    >
  | DomainEvent<'CallEndObserved', { callId: string; durationSeconds: number }>;

export type PoolCallCommand =
  | { type: 'Admit'; call: EntitledCall; availableMinutes: number }
  | { type: 'Settle'; debit: { month: string; minutes: number; poolMinutes: number; uncoveredMinutes: number } };

type FundedFromPool = Extract<PoolCallEvent, { type: 'CallFundedFromPool' }>['data'];

export interface PoolCallState {
  decided: boolean;
  funded?: FundedFromPool;
  endedSeconds?: number;
  settled: boolean;
}

export const poolCallDecider: Decider<PoolCallCommand, PoolCallEvent, PoolCallState> = {
  initialState: () => ({ decided: false, settled: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CallAdmitted':
      case 'CallHandedToWallet':
        return { ...state, decided: true };
      case 'CallFundedFromPool':
        return { ...state, funded: event.data };
      case 'CallEndObserved':
        return { ...state, endedSeconds: event.data.durationSeconds };
      case 'PoolCallSettled':
        return { ...state, settled: true };
      default:
        return state;
    }
  },
  decide: (command, state) => (command.type === 'Admit' ? admit(command, state) : settle(command, state)),
};

function admit({ call, availableMinutes }: Extract<PoolCallCommand, { type: 'Admit' }>, state: PoolCallState) {
  if (state.decided) return ok([]);
  const { poolEligible, ...facts } = call;
  if (!poolEligible || availableMinutes <= 0) {
    const reason = poolEligible ? 'POOL_EXHAUSTED' : 'NOT_POOL_ELIGIBLE';
    return ok<PoolCallEvent[]>([{ type: 'CallHandedToWallet', data: { ...facts, reason } }]);
  }
  // The pool grants at most the minutes it has left; telephony ends the call there.
  const maxDurationSeconds = availableMinutes * 60;
  const { callId, userId, destinationCountry, creditsLicensed } = call;
  return ok<PoolCallEvent[]>([
    { type: 'CallAdmitted', data: { callId, funding: 'pool', maxDurationSeconds, decidedBy: 'pool-ledger' } },
    { type: 'CallFundedFromPool', data: { callId, month: monthOf(call.startedAt), userId, destinationCountry, creditsLicensed, maxDurationSeconds } },
  ]);
}

function settle({ debit }: Extract<PoolCallCommand, { type: 'Settle' }>, state: PoolCallState) {
  if (!needsSettlement(state)) return ok([]);
  const funded = state.funded!;
  const durationSeconds = state.endedSeconds!;
  const { callId } = funded;
  const settled: PoolCallEvent = {
    type: 'PoolCallSettled',
    data: { callId, month: debit.month, durationSeconds, minutes: debit.minutes, poolMinutes: debit.poolMinutes, uncoveredMinutes: debit.uncoveredMinutes },
  };
  if (debit.uncoveredMinutes === 0) return ok([settled]);
  return ok<PoolCallEvent[]>([
    settled,
    {
      type: 'PoolOverflowHandedToWallet',
      data: {
        callId,
        userId: funded.userId,
        destinationCountry: funded.destinationCountry,
        month: debit.month,
        durationSeconds,
        poolMinutes: debit.poolMinutes,
        uncoveredMinutes: debit.uncoveredMinutes,
        creditsLicensed: funded.creditsLicensed,
      },
    },
  ]);
}

/** Admitted from the pool, ended, not yet settled. */
export function needsSettlement(state: PoolCallState): boolean {
  return state.funded !== undefined && state.endedSeconds !== undefined && !state.settled;
}
