import { AutoRechargeState, RechargePolicy, backoffMs, capReached, noAutoRecharge, rechargeReason, rechargesInMonth } from './auto-recharge';

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

const spent = { configured: false, spent: true };
const configured = { configured: true, spent: false };

describe('auto-recharge decision', () => {
  it('fires whenever spending leaves the available balance below the trigger, crossing it or already below it', () => {
    expect(rechargeReason(on(), 1200n, 900n, now, spent)).toBe('crossed-trigger');
    expect(rechargeReason(on(), 1000n, 999n, now, spent)).toBe('crossed-trigger');
    // issue 11: a balance already below the trigger (a recharge too small to lift it) recharges again on the next charge
    expect(rechargeReason(on(), 900n, 800n, now, spent)).toBe('below-trigger');
    expect(rechargeReason(on(), 1200n, 1000n, now, spent)).toBeNull();
  });

  it('does not fire for what did not spend: a recharge’s own success never starts another (no loop on the card)', () => {
    expect(rechargeReason(on(), 400n, 900n, now, { configured: false, spent: false })).toBeNull();
  });

  it('counts successful recharges per month (UTC) against the optional cap', () => {
    const capped = on({ maxPerMonth: 2, countedMonth: '2026-11', succeededInMonth: 2 });
    expect(capReached(capped, now)).toBe(true);
    expect(capReached(capped, '2026-12-01T00:00:00.000Z')).toBe(false);
    expect(capReached(on({ countedMonth: '2026-11', succeededInMonth: 50 }), now)).toBe(false);
    expect(rechargesInMonth(capped, now)).toBe(2);
  });

  it('never fires with a recharge pending, disabled, or without payment method', () => {
    expect(rechargeReason(on({ pending: { rechargeId: 'r1', amount: 5000n } }), 1200n, 900n, now, spent)).toBeNull();
    expect(rechargeReason(on({ enabled: false }), 1200n, 900n, now, spent)).toBeNull();
    expect(rechargeReason(on({ token: null }), 1200n, 900n, now, spent)).toBeNull();
  });

  it('fires when configured (or given a new payment method) below the trigger', () => {
    expect(rechargeReason(on(), 0n, 0n, now, configured)).toBe('configured-below-trigger');
    expect(rechargeReason(on(), 2000n, 2000n, now, configured)).toBeNull();
  });

  it('backs off after a decline and retries once the back-off has run out', () => {
    const declined = on({ failures: 1, retryAt: '2026-11-24T10:01:00.000Z' });
    expect(rechargeReason(declined, 900n, 800n, now, spent)).toBeNull();
    expect(rechargeReason(declined, 800n, 800n, '2026-11-24T10:01:00.000Z', spent)).toBe('retry-after-decline');
    expect(rechargeReason(declined, 2000n, 2000n, '2026-11-24T10:05:00.000Z', spent)).toBeNull();
  });

  it('doubles the back-off after each decline in a row, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffMs(n, policy))).toEqual([
      60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
});
