import { CallEntitledV1, CallReferredV1, CallRejectedV1, CallScreenedV1, Capability, Envelope } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { CallRejectedData, DialoutPolicyName } from '@comms-credits/dialout-rules';
import { CallerRecord, ClearedCall, EntitlementDecision, PlanAdmission, entitleCleared, screenAndEntitle } from '@comms-credits/licensing-rules';

export type { CallerRecord, ClearedCall } from '@comms-credits/licensing-rules';

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
  | DomainEvent<'CallAdmitted', PlanAdmission>
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
        return ok(screenAndEntitleCall(command));
    }
  },
};

/** Stage 1 by the dial-out policy rules, then, cleared, stage 2 in the same decision (libs/licensing-rules). */
function screenAndEntitleCall({
  call,
  caller,
  userPolicy,
  globalPolicy,
}: Extract<CallEntitlementCommand, { type: 'ScreenAndEntitle' }>): CallEntitlementEvent[] {
  const decision = screenAndEntitle(call, caller, userPolicy, globalPolicy);
  switch (decision.kind) {
    case 'undecided':
      return [{ type: 'CallReferred', data: { ...call, reason: 'USAGE_LOCATION_NOT_KNOWN' } }];
    case 'refused':
      return [
        { type: 'CallScreened', data: decision.screened },
        { type: 'CallRejected', data: decision.rejection },
      ];
    default:
      return [{ type: 'CallScreened', data: decision.screened }, ...entitlementEvents(call, decision)];
  }
}

/** Stage 2: the licences of the organizer or caller decide, fund or hand the call on. */
function entitleCall(cleared: ClearedCall, caller: CallerRecord): CallEntitlementEvent[] {
  return entitlementEvents(cleared, entitleCleared(cleared, caller));
}

function entitlementEvents(
  { callId, userId, startedAt }: { callId: string; userId: string; startedAt: string },
  decision: EntitlementDecision,
): CallEntitlementEvent[] {
  switch (decision.kind) {
    case 'admit':
      return [
        {
          type: 'CallAdmitted',
          data: { callId, funding: decision.funding, maxDurationSeconds: null, decidedBy: 'licensing', capability: decision.capability },
        },
        { type: 'CallUsageClassified', data: { callId, userId, capability: decision.capability, outcome: 'admitted', startedAt } },
      ];
    case 'reject':
      return [
        { type: 'CallRejected', data: { callId, reason: decision.reason, decidedBy: 'licensing', details: { detail: decision.detail, userId } } },
        { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
      ];
    case 'fund':
      return [
        { type: 'CallEntitled', data: decision.entitled },
        { type: 'CallUsageClassified', data: { callId, userId, capability: decision.entitled.capability, outcome: 'entitled', startedAt } },
      ];
  }
}
