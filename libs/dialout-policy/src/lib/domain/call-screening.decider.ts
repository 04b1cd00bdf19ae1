import { CallScreenedV1, CallStarted, Envelope, RejectionReasons } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import {
  CallClearedData,
  CallRejectedData,
  DialoutControl,
  DialoutPolicyName,
  ScreenedCall,
  isOutboundCallStarted,
  rejectedBy,
  screenCall,
  screenedCallOf,
} from '@comms-credits/dialout-rules';
import { DialoutUserState } from './dialout-user.decider';

/**
 * The call's verdict hangs on the user's usage location, which licensing has not named to this
 * service yet: the call waits for it until `deadline`, then is rejected as UNKNOWN_USER.
 * Internal (not published); `rm_dialout_awaiting_calls` lists these calls for the sweep and ops.
 */
export interface CallAwaitingUsageLocationData extends ScreenedCall {
  /** The CallStarted's event id: the decision, when it comes, names it as its cause. */
  startedEventId: string;
  control: DialoutControl;
  /** The effective policy whose verdict needs the usage location. */
  policyName: DialoutPolicyName;
  /** When the call began to wait and when it stops (ISO-8601 UTC). */
  since: string;
  deadline: string;
  detail: string;
}

/**
 * Stage 1 of admission, on the call's stream (`call:<tenant>:<callId>`, shared with the call
 * log, which folds only its own events). The decisions carry the contract's type names, so the
 * outbox relay publishes them as they are: `CallCleared` hands the call to licensing,
 * `CallRejected` is the call's one decision. `CallAwaitingUsageLocation` stays inside.
 */
export type CallScreeningEvent =
  | DomainEvent<'CallCleared', CallClearedData>
  | DomainEvent<'CallRejected', CallRejectedData>
  | DomainEvent<'CallAwaitingUsageLocation', CallAwaitingUsageLocationData>
  /**
   * Licensing screened the call by these rules in its own hop (its `CallScreened`): recorded for
   * the count of calls per policy. Internal; the call is decided as far as this stage goes.
   */
  | DomainEvent<'CallScreenedInLicensing', Omit<CallScreenedV1, keyof Envelope>>;

/** `user` and `globalPolicy` are folded from their streams by the caller, in the same transaction. */
export type CallScreeningCommand =
  | {
      type: 'ScreenCall';
      call: CallStarted;
      user: DialoutUserState;
      globalPolicy: DialoutPolicyName | null;
      /**
       * The tenant's users' usage locations, most users first: where an emergency short code
       * from a caller whose usage location is unknown most likely goes. Read only then.
       */
      tenantCountries?: readonly string[];
      /** When the call is screened, and how long a call may wait for its user's usage location. */
      now: string;
      waitMs: number;
    }
  /** The usage location has been learned: judge the waiting call now. */
  | { type: 'JudgeAwaitingCall'; user: DialoutUserState; globalPolicy: DialoutPolicyName | null }
  /** The sweep: a call still waiting at its deadline is rejected. */
  | { type: 'ExpireAwaitingCall'; now: string }
  /** Licensing screened the call (stage 1 in its hop). */
  | { type: 'RecordScreenedInLicensing'; screened: Omit<CallScreenedV1, keyof Envelope> };

export interface CallScreeningState {
  decided: boolean;
  /** The call waits for its user's usage location (and is not decided yet). */
  awaiting: CallAwaitingUsageLocationData | null;
}

export const callScreeningDecider: Decider<CallScreeningCommand, CallScreeningEvent, CallScreeningState> = {
  initialState: () => ({ decided: false, awaiting: null }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'CallCleared':
      case 'CallRejected':
      case 'CallScreenedInLicensing':
        return { decided: true, awaiting: null };
      case 'CallAwaitingUsageLocation':
        return { ...state, awaiting: event.data };
      default:
        return state;
    }
  },

  /** Once per call: a repeated referral (even with a new event id) finds the call decided or waiting. */
  decide: (command, state) => {
    if (state.decided) return ok([]);
    switch (command.type) {
      case 'RecordScreenedInLicensing':
        // A call waiting here was referred, so licensing never screens it: nothing to record.
        return ok(state.awaiting === null ? [{ type: 'CallScreenedInLicensing', data: command.screened }] : []);
      case 'ScreenCall': {
        const { call } = command;
        if (state.awaiting !== null || !isOutboundCallStarted(call)) return ok([]);
        const screened = screenedCallOf(call);
        const verdict = screenCall(screened, command.user, command.globalPolicy, command.tenantCountries ?? []);
        if (verdict.type !== 'Undecided') return ok([verdict]);
        const deadline = new Date(Date.parse(command.now) + command.waitMs).toISOString();
        return ok([
          {
            type: 'CallAwaitingUsageLocation',
            data: { ...screened, startedEventId: call.eventId, ...verdict.data, since: command.now, deadline },
          },
        ]);
      }
      case 'JudgeAwaitingCall': {
        if (state.awaiting === null) return ok([]);
        const verdict = screenCall(state.awaiting, command.user, command.globalPolicy);
        return ok(verdict.type === 'Undecided' ? [] : [verdict]);
      }
      case 'ExpireAwaitingCall': {
        const { awaiting } = state;
        if (awaiting === null || Date.parse(command.now) < Date.parse(awaiting.deadline)) return ok([]);
        const waited = Math.round((Date.parse(awaiting.deadline) - Date.parse(awaiting.since)) / 1000);
        return ok([
          rejectedBy(awaiting.callId, {
            reason: RejectionReasons.UnknownUser,
            control: awaiting.control,
            policyName: awaiting.policyName,
            detail:
              `licensing never named a usage location for user ${awaiting.userId} within ${waited} s, ` +
              `and the call cannot be judged without it (${awaiting.detail})`,
          }),
        ]);
      }
    }
  },
};

/**
 * The schema version a stage-1 event is stored and published under: a `CallCleared` without
 * the usage location is the contract's version 2; with every fact known it is still version 1,
 * so consumers that read only version 1 keep working for every other call.
 */
export function contractVersionOf(event: CallScreeningEvent): number {
  return event.type === 'CallCleared' && (event.data.usageLocation === null || event.data.domestic === null) ? 2 : 1;
}
