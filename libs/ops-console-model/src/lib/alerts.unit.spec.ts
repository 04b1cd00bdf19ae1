import { WalletFigures, alertsOf } from './alerts';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const wallet = (over: Partial<WalletFigures> = {}, ar: Partial<WalletFigures['autoRecharge']> = {}): WalletFigures => ({
  billingSetUp: true,
  balance: usd('50.00'),
  owed: usd('0.00'),
  available: usd('50.00'),
  ...over,
  autoRecharge: {
    enabled: true,
    triggerAmount: usd('10.00'),
    paymentMethod: { tokenHint: '…cess' },
    pending: false,
    consecutiveFailures: 0,
    retryAt: null,
    maxRechargesPerMonth: null,
    rechargesThisMonth: 0,
    ...ar,
  },
});

describe('alerts', () => {
  it('says nothing when all is well', () => {
    expect(
      alertsOf({
        pool: { month: '2026-11', capacityMinutes: 600, usedMinutes: 479, availableMinutes: 121 },
        wallet: wallet(),
        tollFree: [{ number: '+18005550100', status: 'active' }],
      }),
    ).toEqual([]);
  });

  it('raises the pool at 80 % and at 100 %, once', () => {
    expect(alertsOf({ pool: { month: '2026-11', capacityMinutes: 600, usedMinutes: 480, availableMinutes: 120 } }).map((a) => a.code)).toEqual(['POOL_80']);
    expect(alertsOf({ pool: { month: '2026-11', capacityMinutes: 600, usedMinutes: 600, availableMinutes: 0 } }).map((a) => a.code)).toEqual(['POOL_100']);
  });

  it('puts money trouble first', () => {
    const codes = alertsOf({
      wallet: wallet({ balance: usd('0.00'), owed: usd('1.26') }, { consecutiveFailures: 3, maxRechargesPerMonth: 2, rechargesThisMonth: 2 }),
      tollFree: [{ number: '+18005550100', status: 'suspended' }],
    }).map((a) => a.code);
    expect(codes).toEqual(['BALANCE_ZERO', 'OWED', 'RECHARGE_FAILED', 'TOLL_FREE_SUSPENDED', 'RECHARGE_CAP']);
    expect(alertsOf({ wallet: wallet({ balance: usd('0.00'), billingSetUp: false }, { enabled: false }) }).map((a) => a.code)).toEqual(['BILLING_NOT_SET_UP']);
  });
});
