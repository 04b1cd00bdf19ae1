import { OpenLot, applyDraws, drawFifo, expiryOf, isExpired } from './lots';

const lot = (lotId: string, remaining: bigint, purchasedAt = '2026-01-15T10:00:00.000Z'): OpenLot => ({
  lotId,
  remaining,
  purchasedAt,
  expiresAt: expiryOf(purchasedAt),
});

describe('funding lots', () => {
  it('spends lots first in, first out, across lots', () => {
    const lots = [lot('a', 300n), lot('b', 500n), lot('c', 1000n)];
    expect(drawFifo(lots, 650n)).toEqual({
      draws: [
        { lotId: 'a', amount: 300n },
        { lotId: 'b', amount: 350n },
      ],
      covered: 650n,
      shortfall: 0n,
    });
    expect(applyDraws(lots, drawFifo(lots, 650n).draws)).toEqual([lot('b', 150n), lot('c', 1000n)]);
  });

  it('covers what it can and records the shortfall, never going below zero', () => {
    expect(drawFifo([lot('a', 120n)], 200n)).toEqual({ draws: [{ lotId: 'a', amount: 120n }], covered: 120n, shortfall: 80n });
    expect(drawFifo([], 200n)).toEqual({ draws: [], covered: 0n, shortfall: 200n });
  });

  it('expires a lot 12 months after purchase, to the instant', () => {
    expect(expiryOf('2026-11-24T10:00:00.000Z')).toBe('2027-11-24T10:00:00.000Z');
    expect(expiryOf('2028-02-29T00:00:00.000Z')).toBe('2029-03-01T00:00:00.000Z');
    const bought = lot('a', 100n, '2026-11-24T10:00:00.000Z');
    expect(isExpired(bought, '2027-11-24T09:59:59.999Z')).toBe(false);
    expect(isExpired(bought, '2027-11-24T10:00:00.000Z')).toBe(true);
  });
});
