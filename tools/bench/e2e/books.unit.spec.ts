import { ExpectedBooks, RateCard, cents, fmtCents } from './books';

const card: RateCard = {
  version: 'test',
  currency: 'USD',
  increment: { first: 60, next: 60 },
  dialOut: [
    { country: 'EG', perMinute: '0.2450', connectionFee: '0.0500' },
    { country: 'FR', perMinute: '0.0125', connectionFee: '0.0000' },
  ],
};

const call = (durationSeconds: number, decision: object, destinationCountry = 'EG') => ({
  tenantId: 't',
  month: '2026-12',
  destinationCountry,
  durationSeconds,
  decision: { type: 'CallAdmitted' as const, ...decision },
});

describe('the books the benchmark expects', () => {
  it('charges a credits call its whole minutes at the rate plus the fee, rounded half-up once', () => {
    const books = new ExpectedBooks(card);
    books.add(call(61, { funding: 'credits', maxDurationSeconds: 7200 })); // 2 × 0.2450 + 0.05 = 0.54
    books.add(call(30, { funding: 'credits', maxDurationSeconds: 7200 })); // 0.2450 + 0.05 = 0.295 → 0.30
    expect(fmtCents(books.chargedCents.get('t')!)).toBe('0.84');
  });

  it('caps the billable time at the grant', () => {
    const books = new ExpectedBooks(card);
    books.add(call(600, { funding: 'credits', maxDurationSeconds: 120 })); // 2 minutes, not 10
    expect(fmtCents(books.chargedCents.get('t')!)).toBe('0.54');
  });

  it('debits a pool call its whole minutes up to the reservation and charges nothing', () => {
    const books = new ExpectedBooks(card);
    books.add(call(121, { funding: 'pool', maxDurationSeconds: 7200 }, 'FR'));
    books.add(call(59, { funding: 'pool', maxDurationSeconds: 7200 }, 'FR'));
    expect(books.poolMinutes.get('t 2026-12')).toBe(4);
    expect(books.chargedCents.get('t')).toBeUndefined();
  });

  it('splits a continuation: the pool its reserved minutes, credits the rest without the fee', () => {
    const books = new ExpectedBooks(card);
    books.add(call(300, { funding: 'pool', maxDurationSeconds: 7200, split: { poolSeconds: 120, creditSeconds: 7080 } }));
    expect(books.poolMinutes.get('t 2026-12')).toBe(2);
    expect(fmtCents(books.chargedCents.get('t')!)).toBe('0.74'); // 3 × 0.2450 = 0.735 → 0.74
  });

  it('charges nothing for calling-plan calls and rejections', () => {
    const books = new ExpectedBooks(card);
    books.add(call(300, { funding: 'calling-plan', maxDurationSeconds: null }, 'US'));
    books.add({ ...call(0, {}), decision: { type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS' } });
    expect(books.chargedCents.size).toBe(0);
    expect(books.poolMinutes.size).toBe(0);
    expect(books.fundings.get('rejected INSUFFICIENT_CREDITS')).toBe(1);
  });

  it('reads money strings exactly', () => {
    expect(cents('1000000.00') - cents('999876.54')).toBe(12346n);
    expect(cents('-0.05')).toBe(-5n);
  });
});
