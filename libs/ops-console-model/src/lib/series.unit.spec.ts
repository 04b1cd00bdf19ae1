import { LedgerRow, balanceSeries, daysInMonth, poolMinutesPerDay } from './series';

const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('chart series', () => {
  it('has every day of the month, days without calls at zero, and a running total', () => {
    expect(daysInMonth('2026-02')).toBe(28);
    expect(daysInMonth('2028-02')).toBe(29);
    const series = poolMinutesPerDay('2026-11', [
      { date: '2026-11-03', poolMinutes: 12 },
      { date: '2026-11-01T00:00:00.000Z', poolMinutes: 5 },
      { date: '2026-11-03', poolMinutes: 3 },
      { date: '2026-10-31', poolMinutes: 99 },
    ]);
    expect(series).toHaveLength(30);
    expect(series.slice(0, 4)).toEqual([
      { day: '01', date: '2026-11-01', poolMinutes: 5, cumulative: 5 },
      { day: '02', date: '2026-11-02', poolMinutes: 0, cumulative: 5 },
      { day: '03', date: '2026-11-03', poolMinutes: 15, cumulative: 20 },
      { day: '04', date: '2026-11-04', poolMinutes: 0, cumulative: 20 },
    ]);
    expect(series.at(-1)).toEqual({ day: '30', date: '2026-11-30', poolMinutes: 0, cumulative: 20 });
  });

  it('plots the balance oldest first, once per row, with recharges and top-ups marked', () => {
    const row = (sequence: number, type: string, balance: string | null, source?: string): LedgerRow => ({
      id: `e${sequence}`,
      sequence,
      type,
      occurredAt: `2026-11-24T10:00:0${sequence}.000Z`,
      amount: usd('0.00'),
      balanceAfter: balance === null ? null : usd(balance),
      details: source ? { source } : {},
    });
    const newestFirst = [
      row(4, 'FundsAdded', '34.74', 'auto-recharge'),
      row(3, 'CallCharged', '9.74'),
      row(2, 'HoldPlaced', null),
      row(1, 'FundsAdded', '10.00', 'funds'),
    ];
    const series = balanceSeries([...newestFirst, row(3, 'CallCharged', '9.74')]);
    expect(series.map((p) => [p.type, p.balanceText, p.funding])).toEqual([
      ['FundsAdded', '$10.00', 'funds'],
      ['CallCharged', '$9.74', null],
      ['FundsAdded', '$34.74', 'auto-recharge'],
    ]);
    expect(series[1]!.balance).toBe(9.74);
    expect(series[0]!.at).toBe(Date.parse('2026-11-24T10:00:01.000Z'));
  });
});
