import {
  CallAdmittedV1,
  CallDurationExceededGrantV1,
  CallEntitledV1,
  CallHandedToWalletV1,
  Envelope,
  PoolCallReferredV1,
  PoolCallSettledV1,
  PoolOverflowHandedToWalletV1,
  PoolSettlementMissingV1,
  monthOf,
} from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { CallRejectedData, DialoutPolicyName, ReferredCall } from '@comms-credits/dialout-rules';
import { CallerRecord, EntitledFacts, PlanAdmission, ScreenedFacts, screenAndEntitle } from '@comms-credits/licensing-rules';

/** Calls are billed in whole minutes: 61 s is 2 minutes (domain.md: 60/60 increments). */
export function wholeMinutes(seconds: number): number {
  return Math.ceil(seconds / 60);
}

/** A call as licensing entitled it (CallEntitled without its envelope). */
export type EntitledCall = Omit<CallEntitledV1, keyof Envelope>;

/** How the pool funds a call it admitted: the reservation, and how long the call may run. */
export interface PoolFundingTerms {
  callId: string;
  month: string;
  userId: string;
  destinationCountry: string;
  creditsLicensed: boolean;
  /** What the pool alone grants: its reserved minutes × 60. */
  maxDurationSeconds: number;
  /** Minutes reserved in the month for this call (absent on calls admitted before reservations). */
  reservedMinutes?: number;
  /** The call may continue on credits beyond the pool's part, up to this many seconds more. */
  continuationSeconds?: number;
  /** When the reservation is released if the call's end has not come (grant + grace after admission). */
  dueBy?: string;
}

type HandedToWallet = Omit<CallHandedToWalletV1, keyof Envelope>;

/**
 * Stage 3 on the call's stream (`call:<tenant>:<callId>`, shared with the call-log slice, whose
 * `CallEndObserved` tells the duration). The pool decides once per call, on minutes the month
 * has already reserved for it; a pool-funded call is settled once, when both its admission and
 * its end are known, in whatever order they came, and never for more than it was granted.
 */
export type PoolCallEvent =
  | DomainEvent<'CallAdmitted', Omit<CallAdmittedV1, keyof Envelope> & { funding: 'pool'; maxDurationSeconds: number; decidedBy: 'pool-ledger' }>
  /** Stages 1 and 2 in the pool's hop (the one-hop admission): the verdict of the dial-out policy rules. */
  | DomainEvent<'CallScreened', ScreenedFacts>
  /** Stage 2 passed in the pool's hop: the call is funded next, here. */
  | DomainEvent<'CallEntitled', EntitledFacts>
  /** Admitted by the caller's calling plan (or free, an emergency call) in the pool's hop: licensing's rule decided. */
  | DomainEvent<'CallAdmitted', PlanAdmission>
  /** Refused in the pool's hop by a dial-out policy: its rule decided (`decidedBy: "dialout-policy"`). */
  | DomainEvent<'CallRejected', CallRejectedData>
  /** Left to licensing (the chain): something the one-hop decision needs is not learned here, or the licences learned here refuse the call. */
  | DomainEvent<'CallReferred', Omit<PoolCallReferredV1, keyof Envelope>>
  | DomainEvent<'CallFundedFromPool', PoolFundingTerms>
  | DomainEvent<'CallHandedToWallet', HandedToWallet>
  | DomainEvent<'PoolCallSettled', Omit<PoolCallSettledV1, keyof Envelope> & { billableSeconds?: number }>
  /** Telephony reported more than the call was granted: settled at the grant, the excess never charged. */
  | DomainEvent<'CallDurationExceededGrant', Omit<CallDurationExceededGrantV1, keyof Envelope>>
  | DomainEvent<'PoolOverflowHandedToWallet', Omit<PoolOverflowHandedToWalletV1, keyof Envelope>>
  /** The call's end did not come by its due time: its reservation was released. A late end still settles it. */
  | DomainEvent<'PoolSettlementMissing', Omit<PoolSettlementMissingV1, keyof Envelope>>
  | DomainEvent<'CallEndObserved', { callId: string; durationSeconds: number }>;

export type PoolCallCommand =
  /** Decide on a call for which the month reserved `reservedMinutes` (0: none left). */
  | { type: 'Admit'; call: EntitledCall; reservedMinutes: number; policy: PoolGrantPolicy; now: string }
  | { type: 'Settle'; debit: { month: string; minutes: number; poolMinutes: number; uncoveredMinutes: number } }
  | { type: 'MarkSettlementMissing' }
  /**
   * Stages 1 and 2 in the pool's hop: the caller is known here with a usage location and the
   * tenant's policies are, so nothing the decision needs is missing (libs/licensing-rules).
   */
  | {
      type: 'ScreenAndEntitle';
      call: ReferredCall;
      caller: CallerRecord & { usageLocation: string };
      userPolicy: DialoutPolicyName | null;
      globalPolicy: DialoutPolicyName | null;
    }
  /** Stages 1 and 2 are left to licensing. */
  | { type: 'Refer'; call: ReferredCall; reason: PoolCallReferredV1['reason'] };

/** How long the pool lets a call run, and how long it waits for the call's end after that. */
export interface PoolGrantPolicy {
  /** The most minutes one call is granted (`POOL_MAX_GRANT_MINUTES`): what the pool reserves for a call that may run that long. */
  maxGrantMinutes: number;
  /** `SETTLEMENT_GRACE_MINUTES`: a reservation is released this long after its grant ran out. */
  graceMinutes: number;
}

export interface PoolCallState {
  decided: boolean;
  /** Where stages 1 and 2 happen: not settled yet, here (one hop), or at licensing (referred). */
  screening?: 'here' | 'referred';
  funded?: PoolFundingTerms;
  endedSeconds?: number;
  settled: boolean;
  settlementMissing: boolean;
}

export const poolCallDecider: Decider<PoolCallCommand, PoolCallEvent, PoolCallState> = {
  initialState: () => ({ decided: false, settled: false, settlementMissing: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'CallAdmitted':
      case 'CallHandedToWallet':
      case 'CallRejected':
        return { ...state, decided: true };
      case 'CallScreened':
        return { ...state, screening: 'here' };
      case 'CallReferred':
        return { ...state, screening: 'referred' };
      case 'CallFundedFromPool':
        return { ...state, funded: event.data };
      case 'CallEndObserved':
        return { ...state, endedSeconds: event.data.durationSeconds };
      case 'PoolCallSettled':
        return { ...state, settled: true };
      case 'PoolSettlementMissing':
        return { ...state, settlementMissing: true };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Admit':
        return ok(admit(command, state));
      case 'Settle':
        return ok(settle(command, state));
      case 'MarkSettlementMissing':
        return ok(markMissing(state));
      case 'ScreenAndEntitle':
        return ok(state.decided || state.screening ? [] : screenAndEntitleHere(command));
      case 'Refer':
        return ok(state.decided || state.screening ? [] : [{ type: 'CallReferred', data: { ...command.call, reason: command.reason } }]);
    }
  },
};

/**
 * Stages 1 and 2 in one decision (the same rules as the chain, libs/licensing-rules): refused
 * or admitted here, or entitled, and then funded here as stage 3 (PoolFunding).
 */
function screenAndEntitleHere({ call, caller, userPolicy, globalPolicy }: Extract<PoolCallCommand, { type: 'ScreenAndEntitle' }>): PoolCallEvent[] {
  const decision = screenAndEntitle(call, caller, userPolicy, globalPolicy);
  const { callId } = call;
  switch (decision.kind) {
    case 'undecided':
      return [{ type: 'CallReferred', data: { ...call, reason: 'USAGE_LOCATION_NOT_KNOWN' } }];
    case 'refused':
      return [
        { type: 'CallScreened', data: decision.screened },
        { type: 'CallRejected', data: decision.rejection },
      ];
    case 'admit':
      return [
        { type: 'CallScreened', data: decision.screened },
        {
          type: 'CallAdmitted',
          data: { callId, funding: decision.funding, maxDurationSeconds: null, decidedBy: 'licensing', capability: decision.capability },
        },
      ];
    case 'reject':
      // Refused by the licences the pool has learned: licensing, which owns them, decides (a
      // licence assigned a moment ago may not have reached the pool). Nothing is stated here, so
      // the call is screened once, there. The same below for a funding a licence could improve.
      return [{ type: 'CallReferred', data: { ...call, reason: 'NOT_ENTITLED_HERE' } }];
    case 'fund':
      // Funded by what the licences learned here allow, only when no licence assigned since
      // could have allowed more (else licensing, which owns them, decides).
      if (!fundingIsFinal(decision.entitled)) return [{ type: 'CallReferred', data: { ...call, reason: 'NOT_ENTITLED_HERE' } }];
      return [
        { type: 'CallScreened', data: decision.screened },
        { type: 'CallEntitled', data: decision.entitled },
      ];
  }
}

/**
 * Whether an entitled call would be funded the same way whatever licence its user was assigned
 * after the pool learned their licences: drawn on the pool with credits to continue, or a meeting
 * dial-out outside Zone A on credits (no licence draws on the pool there: Audio Conferencing draws
 * for Zone A only, Select Dial Out for US and CA). A licence that may not have reached the pool
 * yet could otherwise have changed it: the credits licence (a continuation), Audio Conferencing
 * (the pool instead of pay-per-minute credits), an international calling plan (a plan instead of
 * credits).
 */
export function fundingIsFinal(entitled: EntitledFacts): boolean {
  if (!entitled.creditsLicensed) return false;
  return entitled.poolEligible || (entitled.callType === 'conf_out' && !entitled.zoneA);
}

/** The minutes the pool would reserve for a call: as many as it may run, if the pool is eligible. */
export const wantedMinutes = (call: EntitledCall, policy: PoolGrantPolicy): number => (call.poolEligible ? policy.maxGrantMinutes : 0);

/**
 * - not pool-eligible, or nothing reserved: handed to the wallet, which funds it from credits
 *   from the start (or rejects it);
 * - reserved for as long as the call may run: admitted from the pool;
 * - reserved for less: a credits-licensed organizer's call is handed to the wallet to continue
 *   on credits (the wallet publishes the decision, with its split); anyone else's call is
 *   admitted for the reserved minutes only.
 */
function admit({ call, reservedMinutes, policy, now }: Extract<PoolCallCommand, { type: 'Admit' }>, state: PoolCallState): PoolCallEvent[] {
  if (state.decided) return [];
  const { poolEligible, ...facts } = call;
  if (!poolEligible || reservedMinutes <= 0) {
    return [{ type: 'CallHandedToWallet', data: { ...facts, reason: poolEligible ? 'POOL_EXHAUSTED' : 'NOT_POOL_ELIGIBLE' } }];
  }
  const poolSeconds = reservedMinutes * 60;
  const continues = reservedMinutes < policy.maxGrantMinutes && call.creditsLicensed;
  const continuationSeconds = continues ? (policy.maxGrantMinutes - reservedMinutes) * 60 : 0;
  const dueBy = new Date(Date.parse(now) + (poolSeconds + continuationSeconds + policy.graceMinutes * 60) * 1000).toISOString();
  const { callId, userId, destinationCountry, creditsLicensed } = call;
  const funded: PoolCallEvent = {
    type: 'CallFundedFromPool',
    data: {
      callId,
      month: monthOf(call.startedAt),
      userId,
      destinationCountry,
      creditsLicensed,
      maxDurationSeconds: poolSeconds,
      reservedMinutes,
      ...(continues ? { continuationSeconds } : {}),
      dueBy,
    },
  };
  if (continues) {
    return [funded, { type: 'CallHandedToWallet', data: { ...facts, reason: 'POOL_CONTINUATION', poolSeconds, maxCreditSeconds: continuationSeconds } }];
  }
  return [{ type: 'CallAdmitted', data: { callId, funding: 'pool', maxDurationSeconds: poolSeconds, decidedBy: 'pool-ledger' } }, funded];
}

/** What settling a call asks of its month: its pool share in whole minutes, at most the grant. */
export interface PoolSettlement {
  month: string;
  /** The reported duration, capped at the grant. */
  billableSeconds: number;
  /** The call's minutes the pool owes: whole minutes of the billable seconds, at most its reservation. */
  minutes: number;
}

/** Admitted from the pool, ended, not yet settled: what to debit. */
export function settlementOf(state: PoolCallState): PoolSettlement | undefined {
  if (!needsSettlement(state)) return undefined;
  const funded = state.funded!;
  const billableSeconds = Math.min(state.endedSeconds!, grantedSecondsOf(funded));
  const reserved = funded.reservedMinutes ?? wholeMinutes(funded.maxDurationSeconds);
  return { month: funded.month, billableSeconds, minutes: Math.min(wholeMinutes(billableSeconds), reserved) };
}

/** The longest the call may have run: the pool's part, plus the most a continuation could add. */
const grantedSecondsOf = (funded: PoolFundingTerms) => funded.maxDurationSeconds + (funded.continuationSeconds ?? 0);

function settle({ debit }: Extract<PoolCallCommand, { type: 'Settle' }>, state: PoolCallState): PoolCallEvent[] {
  if (!needsSettlement(state)) return [];
  const funded = state.funded!;
  const durationSeconds = state.endedSeconds!;
  const grantedSeconds = grantedSecondsOf(funded);
  const { callId } = funded;
  const events: PoolCallEvent[] = [
    {
      type: 'PoolCallSettled',
      data: {
        callId,
        month: debit.month,
        durationSeconds,
        billableSeconds: Math.min(durationSeconds, grantedSeconds),
        minutes: debit.minutes,
        poolMinutes: debit.poolMinutes,
        uncoveredMinutes: debit.uncoveredMinutes,
      },
    },
  ];
  // A continuation's excess is the wallet's to record: it knows the credit part of the grant.
  if (durationSeconds > grantedSeconds && funded.continuationSeconds === undefined) {
    events.push({ type: 'CallDurationExceededGrant', data: { callId, durationSeconds, grantedSeconds, excessSeconds: durationSeconds - grantedSeconds } });
  }
  if (debit.uncoveredMinutes > 0) {
    events.push({
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
    });
  }
  return events;
}

function markMissing(state: PoolCallState): PoolCallEvent[] {
  const funded = state.funded;
  if (!funded || state.settled || state.endedSeconds !== undefined || state.settlementMissing) return [];
  return [
    {
      type: 'PoolSettlementMissing',
      data: { callId: funded.callId, month: funded.month, reservedMinutes: funded.reservedMinutes ?? 0, dueBy: funded.dueBy ?? '' },
    },
  ];
}

/** Admitted from the pool, ended, not yet settled. */
export function needsSettlement(state: PoolCallState): boolean {
  return state.funded !== undefined && state.endedSeconds !== undefined && !state.settled;
}
