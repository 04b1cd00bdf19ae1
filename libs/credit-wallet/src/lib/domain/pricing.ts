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
 * The charge for minutes the pool could not cover: `minutes` × rate, without connection fee
 * (the call was connected, and admitted, by the pool), rounded half-up once.
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
  let low = 0;
  let high = capMinutes;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (callCharge(rate, middle * 60) <= available) low = middle;
    else high = middle - 1;
  }
  return low;
}
