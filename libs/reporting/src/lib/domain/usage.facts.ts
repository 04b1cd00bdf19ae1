import { CallType, ChargeKind, Currency, Funding } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/**
 * What the reporting service learns about one call, each from the service that owns it. A call's
 * facts come from several topics, in any order and possibly more than once; each kind of fact
 * is recorded once per call (the first one wins, as in every service), and the usage row is a
 * function of the set of facts (`usageRowOf`), so any order gives the same row.
 */
export type UsageFact =
  /** telephony.call-started */
  | { kind: 'started'; callType: CallType; userId: string | null; from: string; to: string; startedAt: string }
  /** telephony.call-ended */
  | { kind: 'ended'; durationSeconds: number; endedAt: string }
  /** calls.decisions: exactly one per call */
  /** `capability`: licensing's calling-plan and emergency admissions say the plan (contract v2; absent before). */
  | {
      kind: 'admitted';
      funding: Funding;
      maxDurationSeconds: number | null;
      split: { poolSeconds: number; creditSeconds: number } | null;
      decidedBy: string;
      capability?: string | null;
    }
  | { kind: 'rejected'; reason: string; decidedBy: string }
  /** dialout-policy.events CallCleared: the destination's country (also for short codes) and whether it is domestic */
  | { kind: 'cleared'; destinationCountry: string; domestic: boolean | null }
  /** licensing.events CallEntitled: the conferencing or calling licence the call is made under */
  | { kind: 'entitled'; capability: string; destinationCountry: string; domestic: boolean }
  /** pool-ledger.events PoolCallSettled */
  | { kind: 'pool-settled'; month: string; minutes: number; poolMinutes: number; uncoveredMinutes: number }
  /** credit-wallet.events CallCharged, one per charge kind */
  | {
      kind: 'charged';
      chargeKind: ChargeKind;
      cost: string;
      currency: Currency;
      connectionFee: string;
      perMinute: string;
      billedMinutes: string;
      rateCardVersion: string;
    };

export type UsageFactKind = UsageFact['kind'];

/** The key a fact is recorded under: one per kind, one per charge kind, one decision. */
export function factKey(fact: UsageFact): string {
  if (fact.kind === 'charged') return `charged:${fact.chargeKind}`;
  if (fact.kind === 'admitted' || fact.kind === 'rejected') return 'decision';
  return fact.kind;
}

/** Stored on the call's stream `usage:<tenant>:<callId>` (never published). */
export type UsageEvent = DomainEvent<'UsageFactRecorded', { callId: string; key: string; fact: UsageFact; sourceEventId: string; sourceType: string }>;

export interface RecordUsageFact {
  type: 'RecordUsageFact';
  callId: string;
  fact: UsageFact;
  sourceEventId: string;
  sourceType: string;
}

export interface UsageStreamState {
  keys: ReadonlySet<string>;
}

/** Records each key once per call, whatever the repeats (with new event ids) and the order. */
export const usageDecider: Decider<RecordUsageFact, UsageEvent, UsageStreamState> = {
  initialState: () => ({ keys: new Set() }),
  evolve: (state, event) => (event.type === 'UsageFactRecorded' ? { keys: new Set([...state.keys, event.data.key]) } : state),
  decide: (command, state) => {
    const key = factKey(command.fact);
    if (state.keys.has(key)) return ok([]);
    return ok([
      {
        type: 'UsageFactRecorded',
        data: { callId: command.callId, key, fact: command.fact, sourceEventId: command.sourceEventId, sourceType: command.sourceType },
      },
    ]);
  },
};

export function usageStreamId(tenantId: string, callId: string): string {
  return `usage:${tenantId}:${callId}`;
}

/** The facts of a call by key, as the read model keeps them (`rm_usage.facts`). */
export type UsageFacts = Record<string, UsageFact>;

/** Adds facts to a call's set; a key already there keeps its first fact. */
export function withFacts(facts: UsageFacts, added: UsageFact[]): UsageFacts {
  const next = { ...facts };
  for (const fact of added) {
    const key = factKey(fact);
    if (!(key in next)) next[key] = fact;
  }
  return next;
}
