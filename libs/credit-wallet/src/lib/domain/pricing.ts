import { Exact, Minor, roundToMinor } from './money';
import { AppliedRate, Increment } from './rate-card';

/**
 * The seconds a call is billed for: nothing for a call that never connected (0 s), else the
 * first increment and then whole next increments (60/60: 61 s → 120 s, two minutes).
 */
export function billedSeconds(durationSeconds: number, increment: Increment): number {
  if (durationSeconds <= 0) return 0;
  if (durationSeconds <= increment.first) return increment.first;
  return increment.first + Math.ceil((durationSeconds - increment.first) / increment.next) * increment.next;
}

/**
 * A call's charge: per-minute rate × billed minutes + connection fee, computed exactly and
 * rounded half-up to the minor unit once (domain.md). A 0-second call is not charged at all,
 * not even its connection fee.
 */
export function callCharge(rate: AppliedRate, durationSeconds: number): Minor {
  const seconds = billedSeconds(durationSeconds, rate.increment);
  if (seconds === 0) return 0n;
  const minutes = new Exact(seconds).dividedBy(60);
  return roundToMinor(new Exact(rate.perMinute).times(minutes).plus(rate.connectionFee), rate.currency);
}

/**
 * The charge for minutes on top of a pool call (a continuation, or pool minutes the pool could
 * not debit): `minutes` × rate, without connection fee (the call was connected, and admitted, by
 * the pool), rounded half-up once.
 */
export function overflowCharge(rate: AppliedRate, minutes: number): Minor {
  return roundToMinor(new Exact(rate.perMinute).times(minutes), rate.currency);
}

/**
 * Hold sizing: the most whole minutes, up to `capMinutes`, whose charge `available` covers
 * (0: not even the first minute). The charge is monotonic in the duration, so a binary search
 * over the charge function itself finds it, whatever the increments and the rounding.
 */
export function affordableMinutes(rate: AppliedRate, available: Minor, capMinutes: number): number {
  return mostMinutes((minutes) => callCharge(rate, minutes * 60), available, capMinutes);
}

/** The same for a continuation on credits: per-minute rate only, no connection fee. */
export function affordableContinuationMinutes(rate: AppliedRate, available: Minor, capMinutes: number): number {
  return mostMinutes((minutes) => overflowCharge(rate, minutes), available, capMinutes);
}

/**
 * The whole minutes of a pool call that continued on credits, billed to credits: the call's
 * billed minutes (the duration, capped at the grant by the caller, rounded up by the
 * increments to whole minutes) beyond the pool minutes the pool debits for it.
 */
export function continuationMinutes(billableSeconds: number, poolSeconds: number, increment: Increment): { total: number; pool: number; credits: number } {
  const total = Math.ceil(billedSeconds(billableSeconds, increment) / 60);
  const pool = Math.min(total, Math.floor(poolSeconds / 60));
  return { total, pool, credits: total - pool };
}

function mostMinutes(price: (minutes: number) => Minor, available: Minor, capMinutes: number): number {
  let low = 0;
  let high = Math.max(capMinutes, 0);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (price(middle) <= available) low = middle;
    else high = middle - 1;
  }
  return low;
}
