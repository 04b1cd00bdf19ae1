import {
  CallAdmittedV1,
  CallEntitledV1,
  CallReferredV1,
  CallRejectedV1,
  CallScreenedV1,
  Capability,
  Envelope,
  RejectionReasons,
  Sku,
} from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { CallRejectedData, DialoutPolicyName, controlOf, screenCall } from '@comms-credits/dialout-rules';
import { OutboundCall, entitle, entitlementsOf } from '@comms-credits/licensing-rules';

/**
 * The call's facts as stage 1 cleared them (CallCleared without its envelope and policy).
 * `usageLocation` and `domestic` are null when stage 1 cleared the call before it had learned
 * the user's usage location (CallCleared v2): licensing, which owns users, fills them in.
 */
export interface ClearedCall extends OutboundCall {
  callId: string;
  userId: string;
  from: string;
  to: string;
  usageLocation: string | null;
  startedAt: string;
}

/** A cleared call with every fact known, as `CallEntitled` hands it on. */
export interface EntitledCall extends ClearedCall {
  usageLocation: string;
  domestic: boolean;
}

/** What licensing knows of the organizer or caller (nothing: a user it has never seen). */
export interface CallerRecord {
  usageLocation: string | null;
  licenses: readonly Sku[];
}

/** Why licensing referred a call to the dial-out policy service instead of screening it. */
export type ReferralReason = CallReferredV1['reason'];

/** A call as licensing refers it: the CallStarted's facts the screening needs. */
export type ReferredCall = Omit<CallReferredV1, keyof Envelope | 'reason'>;

/**
 * Stages 1 and 2 on the call's stream (`call:<tenant>:<callId>`): one decision per call, whatever
 * the repeats. `CallAdmitted`/`CallRejected` are the contract's decisions (published on
 * `calls.decisions`); `CallEntitled` hands the call to the pool (on `licensing.events`);
 * `CallUsageClassified` is internal, for the usage report. A call is screened here (stage 1 in
 * licensing's hop: `CallScreened`, and a policy refusal that says `decidedBy: "dialout-policy"`)
 * or referred to the dial-out policy service (`CallReferred`), whose `CallCleared` is then
 * entitled here as before.
 */
export type CallEntitlementEvent =
  | DomainEvent<'CallEntitled', Omit<CallEntitledV1, keyof Envelope>>
  /** `capability`: the plan it admitted the call under (contract v2, for the usage report). */
  | DomainEvent<
      'CallAdmitted',
      Omit<CallAdmittedV1, keyof Envelope> & {
        funding: 'calling-plan' | 'free';
        maxDurationSeconds: null;
        decidedBy: 'licensing';
        capability: Capability | null;
      }
    >
  | DomainEvent<'CallRejected', Omit<CallRejectedV1, keyof Envelope> & { decidedBy: 'licensing'; details: { detail: string; userId: string } }>
  /** A dial-out policy refusal, screened here by the dial-out policy rules. */
  | DomainEvent<'CallRejected', CallRejectedData>
  | DomainEvent<'CallScreened', Omit<CallScreenedV1, keyof Envelope>>
  | DomainEvent<'CallReferred', Omit<CallReferredV1, keyof Envelope>>
  | DomainEvent<
      'CallUsageClassified',
      { callId: string; userId: string; capability: Capability | null; outcome: 'entitled' | 'admitted' | 'rejected'; startedAt: string }
    >;

export type CallEntitlementCommand =
  /** Stage 2 of a call the dial-out policy service cleared. */
  | { type: 'Entitle'; call: ClearedCall; caller: CallerRecord }
  /**
   * Stages 1 and 2 in one: the caller is known here with a usage location, and the tenant's
   * policies are (learned from `dialout-policy.events`), so nothing the screening needs is missing.
   */
  | {
      type: 'ScreenAndEntitle';
      call: ReferredCall;
      caller: CallerRecord & { usageLocation: string };
      userPolicy: DialoutPolicyName | null;
      globalPolicy: DialoutPolicyName | null;
    }
  /** Stage 1 is left to the dial-out policy service. */
  | { type: 'Refer'; call: ReferredCall; reason: ReferralReason };

export interface CallEntitlementState {
  decided: boolean;
  /** Where stage 1 happens: not settled yet, here, or at the dial-out policy service. */
  screening: 'open' | 'here' | 'referred';
}

const DECISIONS = new Set(['CallEntitled', 'CallAdmitted', 'CallRejected']);

export const callEntitlementDecider: Decider<CallEntitlementCommand, CallEntitlementEvent, CallEntitlementState> = {
  initialState: () => ({ decided: false, screening: 'open' }),
  evolve: (state, event) => {
    if (DECISIONS.has(event.type)) return { ...state, decided: true };
    if (event.type === 'CallScreened') return { ...state, screening: 'here' };
    if (event.type === 'CallReferred') return { ...state, screening: 'referred' };
    return state;
  },
  decide: (command, state) => {
    if (state.decided) return ok([]);
    switch (command.type) {
      case 'Entitle':
        return ok(entitleCall(command.call, command.caller));
      case 'Refer':
        if (state.screening !== 'open') return ok([]);
        return ok([{ type: 'CallReferred', data: { ...command.call, reason: command.reason } }]);
      case 'ScreenAndEntitle':
        if (state.screening !== 'open') return ok([]);
        return ok(screenAndEntitle(command));
    }
  },
};

/** Stage 1 by the dial-out policy rules, then, cleared, stage 2 in the same decision. */
function screenAndEntitle({ call, caller, userPolicy, globalPolicy }: Extract<CallEntitlementCommand, { type: 'ScreenAndEntitle' }>): CallEntitlementEvent[] {
  const verdict = screenCall(call, { usageLocation: caller.usageLocation, policyName: userPolicy }, globalPolicy);
  const { callId, callType, userId } = call;
  switch (verdict.type) {
    case 'CallCleared': {
      const { policyName, policySource, ...facts } = verdict.data;
      const screened = { callId, callType, userId, policyName, policySource, control: controlOf(callType), outcome: 'cleared' } as const;
      return [
        { type: 'CallScreened', data: { ...screened, destinationCountry: facts.destinationCountry, domestic: facts.domestic } },
        ...entitleCall(facts, caller),
      ];
    }
    case 'CallRejected': {
      const { reason, details } = verdict.data;
      const outcome = reason === RejectionReasons.InvalidNumber ? 'invalid_number' : 'blocked';
      const source = userPolicy === null ? 'global' : 'user';
      return [
        {
          type: 'CallScreened',
          data: {
            callId,
            callType,
            userId,
            policyName: details.policyName,
            policySource: source,
            control: details.control,
            outcome,
            destinationCountry: null,
            domestic: null,
          },
        },
        verdict,
      ];
    }
    case 'Undecided':
      // Not expected with the caller's usage location known (only a Domestic control waits for
      // it); should it happen, the dial-out policy service, which can wait, judges the call.
      return [{ type: 'CallReferred', data: { ...call, reason: 'USAGE_LOCATION_NOT_KNOWN' } }];
  }
}

/** Stage 2: the licences of the organizer or caller decide, fund or hand the call on. */
function entitleCall(cleared: ClearedCall, caller: CallerRecord): CallEntitlementEvent[] {
  const call = withCallerFacts(cleared, caller);
  const outcome = entitle(call, entitlementsOf(caller.licenses));
  const { callId, userId, startedAt } = call;
  switch (outcome.kind) {
    case 'admit':
      return [
        {
          type: 'CallAdmitted',
          data: { callId, funding: outcome.funding, maxDurationSeconds: null, decidedBy: 'licensing', capability: outcome.capability },
        },
        { type: 'CallUsageClassified', data: { callId, userId, capability: outcome.capability, outcome: 'admitted', startedAt } },
      ];
    case 'reject':
      return [
        { type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy: 'licensing', details: { detail: outcome.detail, userId } } },
        { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
      ];
    case 'fund':
      if (!isEntitled(call)) {
        // Unreachable while licences need a usage location (the user decider refuses to
        // assign one without it, or to remove it from a licensed user); said, not assumed.
        const detail = `licensing has no usage location for user ${userId}, so the call's facts are incomplete`;
        return [
          { type: 'CallRejected', data: { callId, reason: RejectionReasons.UnknownUser, decidedBy: 'licensing', details: { detail, userId } } },
          { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
        ];
      }
      return [
        {
          type: 'CallEntitled',
          data: { ...call, poolEligible: outcome.poolEligible, creditsLicensed: outcome.creditsLicensed, capability: outcome.capability },
        },
        { type: 'CallUsageClassified', data: { callId, userId, capability: outcome.capability, outcome: 'entitled', startedAt } },
      ];
  }
}

/**
 * The facts stage 1 could not know, from licensing's own record of the user: their usage
 * location, and from it whether the destination is domestic. Facts stage 1 did know are kept:
 * they are what the dial-out policy judged. An emergency short code's destination stays as
 * stage 1 took it (the call is admitted free whatever its destination).
 */
export function withCallerFacts(call: ClearedCall, caller: CallerRecord): ClearedCall {
  const usageLocation = call.usageLocation ?? caller.usageLocation;
  const domestic = call.domestic ?? (usageLocation === null ? null : call.destinationCountry === usageLocation);
  return { ...call, usageLocation, domestic };
}

function isEntitled(call: ClearedCall): call is EntitledCall {
  return call.usageLocation !== null && call.domestic !== null;
}
