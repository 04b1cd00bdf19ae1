import { Minor, minOf, sumOf } from './money';

/** A funding lot with money left, in the order it is spent (first in, first out). */
export interface OpenLot {
  lotId: string;
  remaining: Minor;
  purchasedAt: string;
  expiresAt: string;
}

/** What a charge took from one lot. */
export interface Draw {
  lotId: string;
  amount: Minor;
}

export interface Drawing {
  draws: Draw[];
  /** What the lots covered (≤ the amount asked for). */
  covered: Minor;
  /** What they could not: the balance never goes negative, the gap is recorded instead. */
  shortfall: Minor;
}

/** How long a lot lasts (domain.md): 12 months after purchase. */
export const LOT_LIFETIME_MONTHS = 12;

/** The same instant 12 calendar months later, in UTC (29 February → 1 March). */
export function expiryOf(purchasedAt: string): string {
  const expiry = new Date(purchasedAt);
  expiry.setUTCMonth(expiry.getUTCMonth() + LOT_LIFETIME_MONTHS);
  return expiry.toISOString();
}

export function isExpired(lot: OpenLot, now: string): boolean {
  return Date.parse(lot.expiresAt) <= Date.parse(now);
}

export function balanceOf(lots: readonly OpenLot[]): Minor {
  return sumOf(lots.map((lot) => lot.remaining));
}

/** Takes `amount` from the lots oldest first; what they cannot cover is the shortfall. */
export function drawFifo(lots: readonly OpenLot[], amount: Minor): Drawing {
  const draws: Draw[] = [];
  let left = amount;
  for (const lot of lots) {
    if (left === 0n) break;
    const take = minOf(lot.remaining, left);
    if (take > 0n) draws.push({ lotId: lot.lotId, amount: take });
    left -= take;
  }
  return { draws, covered: amount - left, shortfall: left };
}

/** The lots after a drawing: emptied lots are closed. */
export function applyDraws(lots: readonly OpenLot[], draws: readonly Draw[]): OpenLot[] {
  const taken = new Map(draws.map((d) => [d.lotId, d.amount]));
  return lots.map((lot) => ({ ...lot, remaining: lot.remaining - (taken.get(lot.lotId) ?? 0n) })).filter((lot) => lot.remaining > 0n);
}
