import { CallClearedV1, CallStarted, Envelope, RejectionReasons } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { DialoutPolicyName, PolicyDefinition } from './dialout-policy.catalogue';
import { DialoutUserState } from './dialout-user.decider';
import { DialoutCallType, evaluateDialout } from './dialout.evaluation';
import { EffectivePolicy, effectivePolicy } from './effective-policy';

export type DialoutControl = 'CPC' | 'PSTN';

/** The contract's `CallClearedV1` without its envelope: every fact the next stages need. */
export type CallClearedData = Omit<CallClearedV1, keyof Envelope> & { policyName: DialoutPolicyName };

/** The contract's `CallRejectedV1` without its envelope, as stage 1 fills it. */
export interface CallRejectedData {
  callId: string;
  reason: typeof RejectionReasons.DialoutPolicyBlocked | typeof RejectionReasons.InvalidNumber | typeof RejectionReasons.UnknownUser;
  decidedBy: 'dialout-policy';
  details: {
    /** The control the call was judged under: CPC for meeting dial-out, PSTN for the user's own call. */
    control: DialoutControl;
    policyName: DialoutPolicyName;
    detail: string;
  };
}

/**
 * Stage 1 of admission, on the call's stream (`call:<tenant>:<callId>`, shared with the call
 * log, which folds only its own events). The events carry the contract's type names, so the
 * outbox relay publishes them as they are: `CallCleared` hands the call to licensing,
 * `CallRejected` is the call's one decision.
 */
export type CallScreeningEvent = DomainEvent<'CallCleared', CallClearedData> | DomainEvent<'CallRejected', CallRejectedData>;

/** `user` and `globalPolicy` are folded from their streams by the caller, in the same transaction. */
export type CallScreeningCommand = {
  type: 'ScreenCall';
  call: CallStarted;
  user: DialoutUserState;
  globalPolicy: DialoutPolicyName | null;
};

export interface CallScreeningState {
  decided: boolean;
}

/** A call this stage judges: meeting dial-out and a user's own outbound call (both always name a user). */
export type JudgedCall = CallStarted & { callType: DialoutCallType; userId: string };

export function isJudgedCall(call: CallStarted): call is JudgedCall {
  return (call.callType === 'conf_out' || call.callType === 'user_out') && call.userId !== undefined;
}

const CONTROL_OF: Record<DialoutCallType, DialoutControl> = { conf_out: 'CPC', user_out: 'PSTN' };

/** CPC judges meeting dial-out, PSTN the user's own calls (domain.md). */
export function controlOf(callType: DialoutCallType): DialoutControl {
  return CONTROL_OF[callType];
}

export const callScreeningDecider: Decider<CallScreeningCommand, CallScreeningEvent, CallScreeningState> = {
  initialState: () => ({ decided: false }),

  evolve: (state, event) => (event.type === 'CallCleared' || event.type === 'CallRejected' ? { decided: true } : state),

  /** Once per call: a repeated CallStarted (even with a new event id) finds the call decided. */
  decide: ({ call, user, globalPolicy }, state) => {
    if (state.decided || !isJudgedCall(call)) return ok([]);
    return ok([screen(call, user, effectivePolicy(user.policyName, globalPolicy))]);
  },
};

function screen(call: JudgedCall, user: DialoutUserState, { policy, source }: EffectivePolicy): CallScreeningEvent {
  const control = controlOf(call.callType);
  if (user.usageLocation === null) {
    // Domestic or not, and which short codes are emergency numbers, all hang on the usage location.
    const detail = `no usage location is known for user ${call.userId}, so the call cannot be judged`;
    return rejected(call, { reason: RejectionReasons.UnknownUser, control, policy, detail });
  }
  const evaluation = evaluateDialout({ callType: call.callType, to: call.to, usageLocation: user.usageLocation, policy });
  if (!evaluation.allowed) return rejected(call, { reason: evaluation.reason, control, policy, detail: evaluation.detail });

  return {
    type: 'CallCleared',
    data: {
      callId: call.callId,
      callType: call.callType,
      userId: call.userId,
      from: call.from,
      to: call.to,
      destinationCountry: evaluation.destinationCountry,
      usageLocation: user.usageLocation,
      domestic: evaluation.domestic,
      zoneA: evaluation.zoneA,
      emergency: evaluation.emergency,
      startedAt: call.occurredAt,
      policyName: policy.name,
      policySource: source,
    },
  };
}

function rejected(
  call: JudgedCall,
  refusal: { reason: CallRejectedData['reason']; control: DialoutControl; policy: PolicyDefinition; detail: string },
): CallScreeningEvent {
  return {
    type: 'CallRejected',
    data: {
      callId: call.callId,
      reason: refusal.reason,
      decidedBy: 'dialout-policy',
      details: { control: refusal.control, policyName: refusal.policy.name, detail: refusal.detail },
    },
  };
}

