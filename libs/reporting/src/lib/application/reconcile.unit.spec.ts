import { reconcile } from './reconcile';

describe('reconciliation', () => {
  const base = {
    tenantId: 'contoso',
    month: '2026-11',
    reportCalls: [
      { callId: 'a', startTime: '2026-11-02T00:00:00.000Z', poolMinutes: 10, charge: '0.00', currency: null },
      { callId: 'b', startTime: '2026-11-03T00:00:00.000Z', poolMinutes: 0, charge: '0.26', currency: 'USD' },
      { callId: 'old', startTime: '2026-10-31T23:59:00.000Z', poolMinutes: 0, charge: '1.00', currency: 'USD' },
    ],
    pool: { usedMinutes: 10, calls: [{ callId: 'a', poolMinutes: 10 }] },
    walletCharges: [
      { callId: 'b', cost: '0.26', currency: 'USD' },
      { callId: 'old', cost: '1.00', currency: 'USD' },
    ],
  };

  it('agrees when the month adds up; a charge of a call of another month is not this month', () => {
    expect(reconcile(base)).toMatchObject({
      agrees: true,
      report: { calls: 2, poolMinutes: 10, charges: '0.26' },
      wallet: { charges: '0.26' },
      pool: { usedMinutes: 10 },
    });
  });

  it('says where they differ, call by call and in total', () => {
    const result = reconcile({
      ...base,
      pool: { usedMinutes: 12, calls: [{ callId: 'a', poolMinutes: 12 }] },
      walletCharges: [...base.walletCharges, { callId: 'ghost', cost: '0.50', currency: 'USD' }],
    });
    expect(result.agrees).toBe(false);
    expect(result.differences).toEqual([
      { kind: 'pool-minutes', callId: 'a', report: 10, other: 12, note: 'the pool debited other minutes than the report shows' },
      { kind: 'pool-minutes', callId: null, report: 10, other: 12, note: "the report's pool minutes differ from the pool's used minutes" },
      { kind: 'charge', callId: 'ghost', report: null, other: '0.50', note: 'the wallet charged a call the report does not have' },
      { kind: 'charge', callId: null, report: '0.26', other: '0.76', note: "the report's charges differ from the wallet's" },
    ]);
  });
});
