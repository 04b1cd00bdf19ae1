import { formatPercent, perMille, poolGauge } from './percent';

describe('percentages of the pool', () => {
  it('rounds down, so a pool is 100 % only when used up', () => {
    expect(formatPercent(599, 600)).toBe('99.8 %');
    expect(formatPercent(600, 600)).toBe('100 %');
    expect(formatPercent(63, 600)).toBe('10.5 %');
    expect(formatPercent(1, 3)).toBe('33.3 %');
    expect(formatPercent(0, 600)).toBe('0 %');
    expect(formatPercent(10, 0)).toBe('—');
    expect(perMille(-5, 100)).toBe(0);
  });

  it('draws the gauge: parts, marks at 80 % and 100 %, and the level', () => {
    expect(poolGauge({ month: '2026-11', capacityMinutes: 6900, usedMinutes: 100, reservedMinutes: 20, availableMinutes: 6780 })).toEqual({
      month: '2026-11',
      capacity: 6900,
      used: 100,
      reserved: 20,
      available: 6780,
      marks: [
        { label: '80 %', minutes: 5520 },
        { label: '100 %', minutes: 6900 },
      ],
      usedText: '1.4 %',
      level: 'ok',
    });
    expect(poolGauge({ month: '2026-11', capacityMinutes: 600, usedMinutes: 480, availableMinutes: 120 }).level).toBe('warning');
    expect(poolGauge({ month: '2026-11', capacityMinutes: 600, usedMinutes: 600, availableMinutes: 0 }).level).toBe('exhausted');
    expect(poolGauge({ month: '2026-11', capacityMinutes: 0, usedMinutes: 0, availableMinutes: 0 })).toMatchObject({
      level: 'none',
      marks: [],
      usedText: '—',
      reserved: 0,
    });
  });
});
