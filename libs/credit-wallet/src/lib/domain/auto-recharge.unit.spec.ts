import { AutoRechargeState, RechargePolicy, backoffMs, noAutoRecharge, rechargeReason } from './auto-recharge';

const policy: RechargePolicy = { backoffBaseMs: 60_000, backoffMaxMs: 3_600_000, alertAfter: 3 };
const now = '2026-11-24T10:00:00.000Z';
const on = (change: Partial<AutoRechargeState> = {}): AutoRechargeState => ({
  ...noAutoRecharge(),
  enabled: true,
  token: 'tok_sandbox_success',
  trigger: 1000n,
  amount: 5000n,
  ...change,
});

describe('auto-recharge decision', () => {
  it('fires when the balance crosses below the trigger, and not for a balance already below it', () => {
    expect(rechargeReason(on(), 1200n, 900n, now, false)).toBe('crossed-trigger');
    expect(rechargeReason(on(), 1000n, 999n, now, false)).toBe('crossed-trigger');
    expect(rechargeReason(on(), 900n, 800n, now, false)).toBeNull();
    expect(rechargeReason(on(), 1200n, 1000n, now, false)).toBeNull();
  });

  it('never fires with a recharge pending, disabled, or without payment method', () => {
    expect(rechargeReason(on({ pending: { rechargeId: 'r1', amount: 5000n } }), 1200n, 900n, now, false)).toBeNull();
    expect(rechargeReason(on({ enabled: false }), 1200n, 900n, now, false)).toBeNull();
    expect(rechargeReason(on({ token: null }), 1200n, 900n, now, false)).toBeNull();
  });

  it('fires when configured (or given a new payment method) below the trigger', () => {
    expect(rechargeReason(on(), 0n, 0n, now, true)).toBe('configured-below-trigger');
    expect(rechargeReason(on(), 2000n, 2000n, now, true)).toBeNull();
  });

  it('backs off after a decline and retries once the back-off has run out', () => {
    const declined = on({ failures: 1, retryAt: '2026-11-24T10:01:00.000Z' });
    expect(rechargeReason(declined, 900n, 800n, now, false)).toBeNull();
    expect(rechargeReason(declined, 800n, 800n, '2026-11-24T10:01:00.000Z', false)).toBe('retry-after-decline');
    expect(rechargeReason(declined, 2000n, 2000n, '2026-11-24T10:05:00.000Z', false)).toBeNull();
  });

  it('doubles the back-off after each decline in a row, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffMs(n, policy))).toEqual([
      60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
});
