import { TenantFigure, emptyTenantState, figuresOf, foldTenant, tenantEntryOf, usedPercentOf } from './tenant-directory';

describe('tenant directory', () => {
  const pool = (at: string, month: string, used: number, reserved: number | null, capacity: number | null): TenantFigure => ({
    kind: 'pool',
    at,
    month,
    usedMinutes: used,
    reservedMinutes: reserved,
    capacityMinutes: capacity,
  });

  it('keeps the newest figure of each kind, whatever order they come in', () => {
    const figures: TenantFigure[] = [
      { kind: 'balance', at: '2026-11-02T00:00:00.000Z', balance: { amount: '5.00', currency: 'USD' }, billingSetUp: true },
      { kind: 'balance', at: '2026-11-01T00:00:00.000Z', balance: { amount: '9.00', currency: 'USD' }, billingSetUp: true },
      pool('2026-11-02T00:00:00.000Z', '2026-11', 50, 0, 600),
      pool('2026-11-01T00:00:00.000Z', '2026-11', 40, 10, 600),
      pool('2026-10-30T00:00:00.000Z', '2026-10', 500, 0, 300),
    ];
    const forward = foldTenant(emptyTenantState(), ['2026-11-01T00:00:00.000Z'], figures);
    const backward = foldTenant(emptyTenantState(), ['2026-11-01T00:00:00.000Z'], [...figures].reverse());
    expect(forward).toEqual(backward);
    expect(forward.balance?.balance.amount).toBe('5.00');
    expect(forward.pool).toEqual({ at: '2026-11-02T00:00:00.000Z', month: '2026-11', usedMinutes: 50, reservedMinutes: 0, capacityMinutes: 600 });
  });

  it('carries a month\u2019s capacity into the next until the pool states one, and counts nothing used there yet', () => {
    const state = foldTenant(emptyTenantState(), [], [pool('2026-10-30T00:00:00.000Z', '2026-10', 500, 0, 1200)]);
    expect(tenantEntryOf('t', state, '2026-11', 0).pool).toEqual({
      month: '2026-11',
      capacityMinutes: 1200,
      usedMinutes: 0,
      reservedMinutes: 0,
      usedPercent: '0',
    });
    const expired = foldTenant(state, [], [pool('2026-11-01T00:00:00.000Z', '2026-11', 0, 0, null)]);
    expect(expired.pool?.capacityMinutes).toBe(1200);
  });

  it('says 99.8 % until a pool is used up, and raises the alerts the console shows', () => {
    expect(usedPercentOf(599, 600)).toBe('99.8');
    expect(usedPercentOf(600, 600)).toBe('100');
    expect(usedPercentOf(1, 0)).toBeNull();
    const state = foldTenant(
      emptyTenantState(),
      [],
      [
        pool('2026-11-02T00:00:00.000Z', '2026-11', 600, 0, 600),
        { kind: 'balance', at: '2026-11-02T00:00:00.000Z', balance: { amount: '0.00', currency: 'USD' }, billingSetUp: true },
        { kind: 'owed', at: '2026-11-02T00:00:00.000Z', owed: { amount: '0.26', currency: 'USD' } },
        { kind: 'recharge-cap', at: '2026-11-02T00:00:00.000Z', month: '2026-11' },
        { kind: 'toll-free', at: '2026-11-02T00:00:00.000Z', suspended: ['+18005550100'] },
        { kind: 'toll-free', at: '2026-11-01T00:00:00.000Z', suspended: [] },
      ],
    );
    expect(tenantEntryOf('t', state, '2026-11', 3).alerts.map((a) => a.code)).toEqual([
      'POOL_100',
      'BALANCE_ZERO',
      'OWED',
      'TOLL_FREE_SUSPENDED',
      'RECHARGE_CAP',
    ]);
    expect(tenantEntryOf('t', state, '2026-12', 0).alerts.map((a) => a.code)).toEqual(['BALANCE_ZERO', 'OWED', 'TOLL_FREE_SUSPENDED']);
  });

  it('reads the figures of the services\u2019 published events', () => {
    const at = '2026-11-02T00:00:00.000Z';
    expect(figuresOf({ type: 'PoolMinutesDebited', occurredAt: at, month: '2026-11', usedMinutes: 7, capacityMinutes: 600 })).toEqual([
      pool(at, '2026-11', 7, null, 600),
    ]);
    expect(figuresOf({ type: 'OwedSettled', occurredAt: at, owedAfter: { amount: '0.00', currency: 'USD' } })).toEqual([
      { kind: 'owed', at, owed: { amount: '0.00', currency: 'USD' } },
    ]);
    expect(figuresOf({ type: 'CallCharged', occurredAt: at })).toEqual([]);
    expect(figuresOf({ type: 'AutoRechargeSucceeded', occurredAt: at })).toEqual([{ kind: 'recharge', at, consecutiveFailures: 0, retryAt: null }]);
    expect(figuresOf({ type: 'UserUpserted', occurredAt: at })).toEqual([]);
  });
});
