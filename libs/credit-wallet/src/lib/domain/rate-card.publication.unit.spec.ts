import { RateBook } from './rate-book';
import { RateCard } from './rate-card';
import { PublicationContext, decidePublication, missingCountries, rateProblems } from './rate-card.publication';

const coverage = { dialOut: ['DE', 'FR', 'KE', 'US', 'XK'], tollFreeInbound: ['US'] };

const FIRST: RateCard = {
  version: '2026-11',
  currency: 'USD',
  effectiveFrom: '2026-11-01T00:00:00.000Z',
  increment: { first: 60, next: 60 },
  dialOut: coverage.dialOut.map((country) => ({ country, perMinute: '0.0349', connectionFee: '0.0000' })),
  tollFreeInbound: [{ country: 'US', perMinute: '0.0193', connectionFee: '0.0000' }],
};

const book = new RateBook([{ card: FIRST, publishedAt: '2026-11-01T00:00:00.000Z', publishedBy: 'start-up (bundled card)' }]);
const NOW = '2026-12-01T10:00:00.000Z';
const context: PublicationContext = { now: NOW, minLeadMs: 30_000, publishedBy: 'ops@example.com', coverage };
const next = (change: Partial<RateCard> = {}): RateCard => ({ ...FIRST, version: '2027-01', effectiveFrom: '2027-01-01T00:00:00.000Z', ...change });
const errorOf = (card: RateCard, b = book) => {
  const result = decidePublication(b, card, context);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
};

describe('publishing a rate card version', () => {
  it('publishes a complete card effective in the future: one event, with who and when', () => {
    expect(decidePublication(book, next(), context)).toEqual({
      ok: true,
      value: { type: 'RateCardPublished', data: { card: next(), publishedAt: NOW, publishedBy: 'ops@example.com' } },
    });
  });

  it('refuses a version that exists, even with other figures (409): a published version never changes', () => {
    expect(errorOf({ ...FIRST, effectiveFrom: '2027-01-01T00:00:00.000Z' })).toMatchObject({
      code: 'RATES.VERSION_EXISTS',
      kind: 'conflict',
      details: { version: '2026-11' },
    });
  });

  it('refuses an effectiveFrom not later than now + the lead every instance needs to reload its book', () => {
    expect(errorOf(next({ effectiveFrom: '2026-11-15T00:00:00.000Z' }))).toMatchObject({ code: 'RATES.EFFECTIVE_FROM_NOT_IN_FUTURE', kind: 'rule' });
    expect(errorOf(next({ effectiveFrom: '2026-12-01T10:00:30.000Z' }))).toMatchObject({
      code: 'RATES.EFFECTIVE_FROM_NOT_IN_FUTURE',
      details: { earliest: '2026-12-01T10:00:30.000Z' },
    });
    expect(decidePublication(book, next({ effectiveFrom: '2026-12-01T10:00:30.001Z' }), context).ok).toBe(true);
  });

  it('refuses a second version taking effect at the same instant as another (409)', () => {
    const withJanuary = new RateBook([
      { card: FIRST, publishedAt: NOW, publishedBy: 'x' },
      { card: next(), publishedAt: NOW, publishedBy: 'x' },
    ]);
    expect(errorOf(next({ version: '2027-01.2', effectiveFrom: '2027-01-01T00:00:00Z' }), withJanuary)).toMatchObject({
      code: 'RATES.EFFECTIVE_FROM_TAKEN',
      kind: 'conflict',
      details: { version: '2027-01' },
    });
  });

  it('refuses a card missing a region for dial-out or a stocked country for toll-free (422), naming them', () => {
    const error = errorOf(next({ dialOut: next().dialOut.filter((r) => r.country !== 'KE'), tollFreeInbound: [] }));
    expect(error).toMatchObject({ code: 'RATES.COUNTRY_MISSING', kind: 'rule', details: { missing: { dialOut: ['KE'], tollFreeInbound: ['US'] } } });
    expect(error.message).toBe('the card has no rate for dialOut KE, tollFreeInbound US');
  });

  it('refuses invalid amounts (422), every one named', () => {
    const [de, fr, ke, us, xk] = next().dialOut;
    const bad = next({
      dialOut: [
        { ...de!, perMinute: '-0.01' },
        { ...fr!, perMinute: '0.1234567' },
        { ...ke!, perMinute: '0' },
        { ...us!, connectionFee: '35' },
        { ...xk!, perMinute: '1e-3' },
      ],
    });
    const error = errorOf(bad);
    expect(error).toMatchObject({ code: 'RATES.INVALID_RATE', kind: 'rule' });
    expect((error.details['invalidRates'] as { name: string }[]).map((p) => p.name)).toEqual([
      'dialOut.0.perMinute',
      'dialOut.1.perMinute',
      'dialOut.2.perMinute',
      'dialOut.3.connectionFee',
      'dialOut.4.perMinute',
    ]);
  });

  it('refuses a currency other than the wallets’ (422)', () => {
    expect(errorOf(next({ currency: 'EUR' }))).toMatchObject({ code: 'RATES.CURRENCY_MISMATCH', details: { requested: 'EUR', expected: 'USD' } });
  });
});

describe('rate problems and coverage', () => {
  it('accepts zero connection fees and six decimals', () => {
    expect(rateProblems(next({ dialOut: [{ country: 'FR', perMinute: '0.123456', connectionFee: '0' }] }), coverage)).toEqual([]);
  });

  it('names unknown countries and countries priced twice', () => {
    const card = next({
      dialOut: [
        { country: 'QQ', perMinute: '0.01', connectionFee: '0' },
        { country: 'FR', perMinute: '0.01', connectionFee: '0' },
        { country: 'FR', perMinute: '0.02', connectionFee: '0' },
      ],
    });
    expect(rateProblems(card, coverage)).toEqual([
      { name: 'dialOut.0.country', reason: 'QQ is not a region libphonenumber knows' },
      { name: 'dialOut.2.country', reason: 'FR has more than one rate' },
    ]);
  });

  it('lists what a card lacks, per list', () => {
    expect(missingCountries(FIRST, coverage)).toEqual({ dialOut: [], tollFreeInbound: [] });
    expect(missingCountries({ ...FIRST, dialOut: [] }, coverage).dialOut).toEqual(coverage.dialOut);
  });
});
