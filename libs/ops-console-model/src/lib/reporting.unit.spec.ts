import { pageOf, summaryGroups } from './reporting';

describe('reading the reporting service', () => {
  it('reads pages as arrays or under items', () => {
    expect(pageOf([{ a: 1 }])).toEqual({ items: [{ a: 1 }], nextCursor: null });
    expect(pageOf({ items: [{ a: 1 }], nextCursor: 'c2' })).toEqual({ items: [{ a: 1 }], nextCursor: 'c2' });
    expect(pageOf(null)).toEqual({ items: [], nextCursor: null });
  });

  it('reads summary groups by day', () => {
    expect(summaryGroups({ groups: [{ key: '2026-11-03', calls: 4, minutes: '20', poolMinutes: 12, charges: [] }] })).toEqual([
      { key: '2026-11-03', calls: 4, minutes: 20, poolMinutes: 12 },
    ]);
    expect(summaryGroups([{ day: '2026-11-04', calls: 1 }])).toEqual([{ key: '2026-11-04', calls: 1, minutes: 0, poolMinutes: 0 }]);
  });
});
