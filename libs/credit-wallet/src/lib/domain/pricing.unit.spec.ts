import { affordableMinutes, billedSeconds, callCharge, overflowCharge } from './pricing';
import { rateOf } from '../test-support/wallet.fixtures';

describe('pricing', () => {
  it('rounds each call up to whole minutes (60/60), and bills nothing for 0 seconds', () => {
    const minutes = { first: 60, next: 60 };
    expect(billedSeconds(0, minutes)).toBe(0);
    expect(billedSeconds(1, minutes)).toBe(60);
    expect(billedSeconds(60, minutes)).toBe(60);
    expect(billedSeconds(61, minutes)).toBe(120);
    expect(billedSeconds(3600, minutes)).toBe(3600);
  });

  it('follows other increments: 30/6 bills 61 s as 66 s', () => {
    expect(billedSeconds(61, { first: 30, next: 6 })).toBe(66);
    expect(billedSeconds(12, { first: 30, next: 6 })).toBe(30);
  });

  it('prices awkward rates exactly and rounds half-up once per call', () => {
    // 0.0349 × 7 + 0.0125 = 0.2568 → 0.26
    expect(callCharge(rateOf('0.0349', '0.0125'), 7 * 60)).toBe(26n);
    // 61 s is two minutes: 0.2417 × 2 = 0.4834 → 0.48
    expect(callCharge(rateOf('0.2417'), 61)).toBe(48n);
    // rounding per call, not per minute: 0.0125 × 3 = 0.0375 → 0.04 (per-minute rounding would give 0.03)
    expect(callCharge(rateOf('0.0125'), 180)).toBe(4n);
    // a half cent rounds up: 0.0125 × 2 = 0.025 → 0.03
    expect(callCharge(rateOf('0.0125'), 120)).toBe(3n);
    // 1-second increments: 0.0349 × 61/60 = 0.035483… → 0.04
    expect(callCharge(rateOf('0.0349', '0', { first: 1, next: 1 }), 61)).toBe(4n);
  });

  it('does not charge a 0-second call, not even its connection fee', () => {
    expect(callCharge(rateOf('0.2417', '0.10'), 0)).toBe(0n);
  });

  it('charges pool overflow minutes without connection fee', () => {
    expect(overflowCharge(rateOf('0.0349', '0.0125'), 7)).toBe(24n);
  });

  it('grants the most whole minutes the available money pays for, up to the cap', () => {
    const france = rateOf('0.0349', '0.0125');
    // 1.00: 28 minutes cost 0.9897 → 0.99; 29 cost 1.0246 → 1.02
    expect(affordableMinutes(france, 100n, 120)).toBe(28);
    expect(callCharge(france, 28 * 60)).toBe(99n);
    expect(affordableMinutes(france, 100n, 10)).toBe(10);
    // the first minute costs 0.0474 → 0.05
    expect(affordableMinutes(france, 4n, 120)).toBe(0);
    expect(affordableMinutes(france, 5n, 120)).toBe(1);
    expect(affordableMinutes(rateOf('0'), 0n, 120)).toBe(120);
  });
});
