import { Capability, Sku } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { OutboundCall, entitle } from './entitlement';
import { entitlementsOf } from './licences';

/** The call's facts as stage 1 cleared them (CallCleared without its envelope and policy). */
export interface ClearedCall extends OutboundCall {
  callId: string;
  userId: string;
  from: string;
  to: string;
  usageLocation: string;
  startedAt: string;
}

/**
 * Stage 2 on the call's stream (`call:<tenant>:<callId>`): one decision per call, whatever the
 * repeats. `CallAdmitted`/`CallRejected` are the contract's decisions (published on
 * `calls.decisions`); `CallEntitled` hands the call to the pool (on `licensing.events`);
 * `CallUsageClassified` is internal, for the usage report.
 */
export type CallEntitlementEvent =
  | DomainEvent<'CallEntitled', ClearedCall & { poolEligible: boolean; creditsLicensed: boolean; capability: Capability }>
  | DomainEvent<'CallAdmitted', { callId: string; funding: 'calling-plan' | 'free'; maxDurationSeconds: null; decidedBy: 'licensing' }>
  | DomainEvent<'CallRejected', { callId: string; reason: string; decidedBy: 'licensing'; details: { detail: string; userId: string } }>
  | DomainEvent<
      'CallUsageClassified',
      { callId: string; userId: string; capability: Capability | null; outcome: 'entitled' | 'admitted' | 'rejected'; startedAt: string }
    >;

export type CallEntitlementCommand = { type: 'Entitle'; call: ClearedCall; licenses: readonly Sku[] };

export interface CallEntitlementState {
  decided: boolean;
}

const DECISIONS = new Set(['CallEntitled', 'CallAdmitted', 'CallRejected']);

export const callEntitlementDecider: Decider<CallEntitlementCommand, CallEntitlementEvent, CallEntitlementState> = {
  initialState: () => ({ decided: false }),
  evolve: (state, event) => (DECISIONS.has(event.type) ? { decided: true } : state),
  decide: ({ call, licenses }, state) => {
    if (state.decided) return ok([]);
    const outcome = entitle(call, entitlementsOf(licenses));
    const { callId, userId, startedAt } = call;
    switch (outcome.kind) {
      case 'admit':
        return ok([
          { type: 'CallAdmitted', data: { callId, funding: outcome.funding, maxDurationSeconds: null, decidedBy: 'licensing' } },
          { type: 'CallUsageClassified', data: { callId, userId, capability: outcome.capability, outcome: 'admitted', startedAt } },
        ]);
      case 'reject':
        return ok([
          { type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy: 'licensing', details: { detail: outcome.detail, userId } } },
          { type: 'CallUsageClassified', data: { callId, userId, capability: null, outcome: 'rejected', startedAt } },
        ]);
      case 'fund':
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
