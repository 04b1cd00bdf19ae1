import { createHash } from 'node:crypto';
import { CAPABILITIES, CallType, UsageRow as UsageReportRow, isInbound } from '@comms-credits/contracts';
import { countryOfNumber } from '@comms-credits/telephony';
import Decimal from 'decimal.js';
import { formatAmount, sumAmounts } from './money-format';
import { UsageFact, UsageFacts } from './usage.facts';

/**
 * One row of the usage report: the contract's row (what `GET /tenants/{t}/usage` answers and the
 * ops console reads), its call type narrowed to the contract's call types.
 */
export interface UsageRow extends UsageReportRow {
  callType: CallType | null;
}

/** The report's columns in order: the CSV header and the JSON keys. */
export const USAGE_COLUMNS: readonly (keyof UsageRow)[] = [
  'usageId',
  'callId',
  'userId',
  'callType',
  'fromNumber',
  'toNumber',
  'fromCountry',
  'toCountry',
  'startTime',
  'endTime',
  'durationSeconds',
  'charge',
  'connectionFee',
  'currency',
  'capability',
  'funding',
  'poolMinutes',
  'decision',
  'reason',
  'rateCardVersion',
];

/** A stable id per tenant and call (a UUID from their hash): the same after a rebuild. */
export function usageIdOf(tenantId: string, callId: string): string {
  const hex = createHash('sha256').update(`usage\u0000${tenantId}\u0000${callId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type FactOf<K extends UsageFact['kind']> = Extract<UsageFact, { kind: K }>;

function factOf<K extends UsageFact['kind']>(facts: UsageFacts, key: string, kind: K): FactOf<K> | undefined {
  const fact = facts[key];
  return fact && fact.kind === kind ? (fact as FactOf<K>) : undefined;
}

function countryOf(number: string | null | undefined): string | null {
  if (!number) return null;
  const result = countryOfNumber(number);
  return result.ok ? result.value : null;
}

/**
 * The report row of a call from the set of its facts (pure; any order of the same facts gives
 * the same row). The rules, documented in docs/reporting.md:
 * - countries come from the numbers (libphonenumber); an emergency short code takes the
 *   destination country the dial-out policy stage stated;
 * - a rejected call carries no minutes: duration 0, no charge, no pool minutes;
 * - `charge` is the sum of the wallet's charges of the call (`cost`, rounded once per charge),
 *   `connectionFee` the fee of a call billed to credits from its start;
 * - `poolMinutes` is what the pool debited (0 for a call the pool did not fund);
 * - `capability`: `MCOPSTNPP` for anything billed to communications credits, else the licence
 *   the call is made under (below).
 */
export function usageRowOf(tenantId: string, callId: string, facts: UsageFacts): UsageRow {
  const started = factOf(facts, 'started', 'started');
  const ended = factOf(facts, 'ended', 'ended');
  const admitted = factOf(facts, 'decision', 'admitted');
  const rejected = factOf(facts, 'decision', 'rejected');
  const cleared = factOf(facts, 'cleared', 'cleared');
  const entitled = factOf(facts, 'entitled', 'entitled');
  const poolSettled = factOf(facts, 'pool-settled', 'pool-settled');
  const charges = Object.values(facts).filter((f): f is FactOf<'charged'> => f.kind === 'charged');
  const callCharge = charges.find((c) => c.chargeKind === 'call');

  const callType = started?.callType ?? null;
  const currency = charges[0]?.currency ?? null;
  const billed = charges.length > 0;
  const chargeTotal = billed ? sumAmounts(charges.map((c) => c.cost)) : new Decimal(0);
  const duration = rejected ? 0 : (ended?.durationSeconds ?? null);
  const startTime = started ? new Date(started.startedAt).toISOString() : null;
  const endTime = startTime !== null && duration !== null ? new Date(Date.parse(startTime) + duration * 1000).toISOString() : null;
  const decided = admitted !== undefined || rejected !== undefined;

  return {
    usageId: usageIdOf(tenantId, callId),
    callId,
    userId: started?.userId ?? null,
    callType,
    fromNumber: started?.from ?? null,
    toNumber: started?.to ?? null,
    fromCountry: countryOf(started?.from),
    toCountry: countryOf(started?.to) ?? cleared?.destinationCountry ?? entitled?.destinationCountry ?? null,
    startTime,
    endTime,
    durationSeconds: duration,
    charge: rejected ? null : billed ? formatAmount(chargeTotal, currency) : decided && ended ? '0.00' : null,
    connectionFee: callCharge ? formatAmount(callCharge.connectionFee, currency) : null,
    currency: rejected ? null : currency,
    capability: rejected ? null : capabilityOf(callType, admitted, billed && !chargeTotal.isZero(), entitled, cleared),
    funding: admitted?.funding ?? null,
    poolMinutes: rejected ? 0 : poolSettled ? poolSettled.poolMinutes : admitted && admitted.funding !== 'pool' ? 0 : null,
    decision: admitted ? 'admitted' : rejected ? 'rejected' : null,
    reason: rejected?.reason ?? null,
    rateCardVersion: rejected ? null : ((callCharge ?? charges[0])?.rateCardVersion ?? null),
  };
}

/**
 * The licence capability as the Teams PSTN usage report names it:
 * - billed to communications credits (funded by credits, or a pool call whose continuation or
 *   overflow was charged): `MCOPSTNPP`;
 * - funded by the pool: the conferencing licence licensing entitled it under (`MCOMEETADD`, or
 *   `MCOMEETACPEA` for pay-per-minute);
 * - a calling plan: the plan licensing admitted it under (`capability` of its `CallAdmitted`,
 *   contract v2: `MCOPSTN2` for a domestic call by a user holding the international plan); for
 *   a decision without it (before v2), `MCOPSTN1` domestic, `MCOPSTN2` international (by the
 *   dial-out policy stage's `domestic`);
 * - free: `MCOMEETADD` for a dial-in to a conference bridge; none for other free calls
 *   (inbound to users and auto attendants, emergency calls);
 * - rejected or not decided yet: none.
 */
export function capabilityOf(
  callType: CallType | null,
  admitted: FactOf<'admitted'> | undefined,
  chargedSomething: boolean,
  entitled: FactOf<'entitled'> | undefined,
  cleared: FactOf<'cleared'> | undefined,
): string | null {
  if (!admitted) return null;
  if (admitted.funding === 'credits' || chargedSomething) return CAPABILITIES.CommunicationsCredits;
  switch (admitted.funding) {
    case 'pool':
      return entitled?.capability ?? CAPABILITIES.AudioConferencing;
    case 'calling-plan': {
      if (admitted.capability) return admitted.capability;
      const domestic = cleared?.domestic ?? entitled?.domestic ?? null;
      if (domestic === null) return null;
      return domestic ? CAPABILITIES.DomesticCallingPlan : CAPABILITIES.InternationalCallingPlan;
    }
    case 'free':
      return callType !== null && isInbound(callType) && callType === 'conf_in' ? CAPABILITIES.AudioConferencing : null;
    default:
      return null;
  }
}
