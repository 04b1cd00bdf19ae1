import { CallAdmittedV1, CallRejectedV1, Envelope, TollFreeCallRoutedV1 } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { TenantNumber, admitInbound } from './inbound-admission';

/** An inbound call as telephony started it (`conf_in`, `user_in`, `ucap_in`). */
export interface InboundCall {
  callId: string;
  callType: 'conf_in' | 'user_in' | 'ucap_in';
  /** The callee for `user_in`, the organizer for `conf_in`, absent for `ucap_in`. */
  userId?: string;
  from: string;
  to: string;
  startedAt: string;
}

/**
 * The stage's decision on the call's stream (`call:<tenant>:<callId>`): one per call, whatever
 * the repeats. `TollFreeCallRouted` hands the call to the wallet (on `toll-free.events`, the
 * contract's `TollFreeCallRoutedV1`); `CallAdmitted`/`CallRejected` settle it (on
 * `calls.decisions`).
 */
export type InboundCallEvent =
  | DomainEvent<'TollFreeCallRouted', Omit<TollFreeCallRoutedV1, keyof Envelope>>
  | DomainEvent<'CallAdmitted', Omit<CallAdmittedV1, keyof Envelope> & { funding: 'free'; maxDurationSeconds: null; decidedBy: 'toll-free' }>
  | DomainEvent<'CallRejected', Omit<CallRejectedV1, keyof Envelope> & { decidedBy: 'toll-free'; details: { detail: string; number: string } }>;

/** `number` is the called number when the tenant holds it. */
export type InboundCallCommand = { type: 'Admit'; call: InboundCall; number: TenantNumber | undefined };

export interface InboundCallState {
  decided: boolean;
}

const DECISIONS = new Set<string>(['TollFreeCallRouted', 'CallAdmitted', 'CallRejected']);

export const inboundCallDecider: Decider<InboundCallCommand, InboundCallEvent, InboundCallState> = {
  initialState: () => ({ decided: false }),
  evolve: (state, event) => (DECISIONS.has(event.type) ? { decided: true } : state),
  decide: ({ call, number }, state) => {
    if (state.decided) return ok([]);
    const outcome = admitInbound(call.to, number);
    const { callId } = call;
    switch (outcome.kind) {
      case 'route':
        return ok([{ type: 'TollFreeCallRouted', data: { ...call, numberCountry: outcome.numberCountry } }]);
      case 'reject':
        return ok([
          { type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy: 'toll-free', details: { detail: outcome.detail, number: call.to } } },
        ]);
      case 'free':
        return ok([{ type: 'CallAdmitted', data: { callId, funding: 'free', maxDurationSeconds: null, decidedBy: 'toll-free' } }]);
    }
  },
};
