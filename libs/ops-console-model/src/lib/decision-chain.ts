/**
 * The admission chain of one call (design.md, "Admission and settlement") as the usage report
 * row tells it: which stages passed it on, which one decided, and how. Outbound: dial-out policy
 * → licensing → pool → wallet; inbound: toll-free → wallet.
 */
export type Stage = 'dialout-policy' | 'licensing' | 'pool-ledger' | 'credit-wallet' | 'toll-free';

export interface ChainStep {
  stage: Stage;
  outcome: 'passed' | 'admitted' | 'rejected' | 'not-reached' | 'pending';
  text: string;
}

export interface CallOutcome {
  callType: string | null;
  decision: 'admitted' | 'rejected' | null;
  reason: string | null;
  funding: string | null;
  charge: string | null;
  poolMinutes: number | null;
}

const INBOUND = new Set(['conf_in', 'user_in', 'ucap_in']);

/** The stage whose reason code this is (architecture.md, "Admission chain"). */
const REJECTED_BY: Record<string, Stage> = {
  DIALOUT_POLICY_BLOCKED: 'dialout-policy',
  INVALID_NUMBER: 'dialout-policy',
  UNKNOWN_USER: 'dialout-policy',
  NO_AUDIO_CONFERENCING_LICENSE: 'licensing',
  NO_CALLING_PLAN: 'licensing',
  NO_PHONE_SYSTEM_LICENSE: 'licensing',
  NO_COMMUNICATIONS_CREDITS_LICENSE: 'credit-wallet',
  POOL_EXHAUSTED_NO_CREDITS: 'credit-wallet',
  INSUFFICIENT_CREDITS: 'credit-wallet',
  NO_RATE_FOR_DESTINATION: 'credit-wallet',
  TOLL_FREE_NUMBER_SUSPENDED: 'toll-free',
  TOLL_FREE_NUMBER_UNKNOWN: 'toll-free',
};

function decidedBy(call: CallOutcome, inbound: boolean): Stage | null {
  if (call.decision === 'rejected') return (call.reason && REJECTED_BY[call.reason]) || null;
  if (call.decision !== 'admitted') return null;
  switch (call.funding) {
    case 'calling-plan':
      return 'licensing';
    case 'free':
      return inbound ? 'toll-free' : 'licensing';
    case 'pool':
      // A pool call with a charge continued on credits: the wallet decided the continuation.
      return call.charge !== null && Number(call.charge.replace(/[^0-9]/g, '')) > 0 ? 'credit-wallet' : 'pool-ledger';
    case 'credits':
      return 'credit-wallet';
    default:
      return null;
  }
}

export function decisionChain(call: CallOutcome): ChainStep[] {
  const inbound = call.callType !== null && INBOUND.has(call.callType);
  const stages: Stage[] = inbound ? ['toll-free', 'credit-wallet'] : ['dialout-policy', 'licensing', 'pool-ledger', 'credit-wallet'];
  const decider = decidedBy(call, inbound);
  if (decider === null || !stages.includes(decider)) {
    return stages.map((stage) => ({
      stage,
      outcome: 'pending',
      text: call.decision ? `${call.decision}${call.reason ? `: ${call.reason}` : ''}` : 'no decision yet',
    }));
  }
  const at = stages.indexOf(decider);
  return stages.map((stage, i): ChainStep => {
    if (i < at) return { stage, outcome: 'passed', text: stage === 'pool-ledger' ? 'not funded by the pool alone: handed on' : 'allowed: passed it on' };
    if (i > at) return { stage, outcome: 'not-reached', text: 'not needed' };
    if (call.decision === 'rejected') return { stage, outcome: 'rejected', text: `rejected: ${call.reason}` };
    const split = call.funding === 'pool' && stage === 'credit-wallet' ? ` (pool ${call.poolMinutes ?? 0} min, the rest on credits)` : '';
    return { stage, outcome: 'admitted', text: `admitted: ${call.funding}${split}` };
  });
}
