import { CallAdmittedV1, CallEntitledV1, CallRejectedV1, Capability, Envelope, RejectionReasons, Sku } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { OutboundCall, entitle } from './entitlement';
import { entitlementsOf } from './licences';

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

/**
 * Stage 2 on the call's stream (`call:<tenant>:<callId>`): one decision per call, whatever the
 * repeats. `CallAdmitted`/`CallRejected` are the contract's decisions (published on
 * `calls.decisions`); `CallEntitled` hands the call to the pool (on `licensing.events`);
 * `CallUsageClassified` is internal, for the usage report.
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
  | DomainEvent<
      'CallUsageClassified',
      { callId: string; userId: string; capability: Capability | null; outcome: 'entitled' | 'admitted' | 'rejected'; startedAt: string }
    >;

export type CallEntitlementCommand = { type: 'Entitle'; call: ClearedCall; caller: CallerRecord };

export interface CallEntitlementState {
  decided: boolean;
}

const DECISIONS = new Set(['CallEntitled', 'CallAdmitted', 'CallRejected']);

export const callEntitlementDecider: Decider<CallEntitlementCommand, CallEntitlementEvent, CallEntitlementState> = {
  initialState: () => ({ decided: false }),
  evolve: (state, event) => (DECISIONS.has(event.type) ? { decided: true } : state),
  decide: ({ call: cleared, caller }, state) => {
    if (state.decided) return ok([]);
    const call = withCallerFacts(cleared, caller);
    const outcome = entitle(call, entitlementsOf(caller.licenses));
    const { callId, userId, startedAt } = call;
    switch (outcome.kind) {
      case 'admit':
        return ok([
          {
            type: 'CallAdmitted',
            data: { callId, funding: outcome.funding, maxDurationSeconds: null, decidedBy: 'licensing', capability: outcome.capability },
          },
          { type: 'CallUsageClassified', data: { callId, userId, capability: outcome.capability, outcome: 'admitted', startedAt } },
        ]);
      case 'reject':
        return ok([
          { type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy: 'licensing', details: { detail: outcome.detail, userId } } },
          { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
        ]);
      case 'fund':
        if (!isEntitled(call)) {
          // Unreachable while licences need a usage location (the user decider refuses to
          // assign one without it, or to remove it from a licensed user); said, not assumed.
          const detail = `licensing has no usage location for user ${userId}, so the call's facts are incomplete`;
          return ok([
            { type: 'CallRejected', data: { callId, reason: RejectionReasons.UnknownUser, decidedBy: 'licensing', details: { detail, userId } } },
            { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
          ]);
        }
        return ok([
          {
            type: 'CallEntitled',
            data: { ...call, poolEligible: outcome.poolEligible, creditsLicensed: outcome.creditsLicensed, capability: outcome.capability },
          },
          { type: 'CallUsageClassified', data: { callId, userId, capability: outcome.capability, outcome: 'entitled', startedAt } },
        ]);
    }
  },
};

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
