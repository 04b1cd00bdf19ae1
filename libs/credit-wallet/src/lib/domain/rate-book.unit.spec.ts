import { RateBook, RateCardVersion, pricedCallOf, pricingInstantOf } from './rate-book';
import { RateCard } from './rate-card';
import { WalletCommand } from './wallet.decider';

const card = (version: string, effectiveFrom: string, frPerMinute: string): RateCard => ({
  version,
  currency: 'USD',
  effectiveFrom,
  increment: { first: 60, next: 60 },
  dialOut: [{ country: 'FR', perMinute: frPerMinute, connectionFee: '0.0125' }],
  tollFreeInbound: [{ country: 'US', perMinute: '0.0193', connectionFee: '0' }],
});

const published = (c: RateCard, publishedAt = '2026-10-01T00:00:00.000Z'): RateCardVersion => ({ card: c, publishedAt, publishedBy: 'operator' });

const NOVEMBER = card('2026-11', '2026-11-01T00:00:00.000Z', '0.0349');
const JANUARY = card('2027-01', '2027-01-01T00:00:00.000Z', '0.0400');
const MARCH = card('2027-03', '2027-03-01T00:00:00.000Z', '0.0450');

describe('rate book', () => {
  // Given out of order: the book orders versions by effectiveFrom, not by publication.
  const book = new RateBook([published(MARCH), published(NOVEMBER), published(JANUARY)]);
  const versionAt = (instant: string) => book.inForceAt(instant).card.version;

  it('prices by the version whose effectiveFrom is the last at or before the instant', () => {
    expect(versionAt('2026-12-15T12:00:00.000Z')).toBe('2026-11');
    expect(versionAt('2027-02-01T00:00:00.000Z')).toBe('2027-01');
    expect(versionAt('2030-01-01T00:00:00.000Z')).toBe('2027-03');
  });

  it('switches exactly at effectiveFrom: the millisecond before is the old version', () => {
    expect(versionAt('2026-12-31T23:59:59.999Z')).toBe('2026-11');
    expect(versionAt('2027-01-01T00:00:00.000Z')).toBe('2027-01');
    expect(versionAt('2027-01-01T00:00:00Z')).toBe('2027-01');
    expect(versionAt('2027-01-01T01:00:00+01:00')).toBe('2027-01');
  });

  it('prices an instant before the first version by the first: there was never an earlier price', () => {
    expect(versionAt('2026-10-31T23:59:59.999Z')).toBe('2026-11');
    expect(versionAt('1970-01-01T00:00:00.000Z')).toBe('2026-11');
  });

  it('looks rates up in the version in force, naming it on the applied rate', () => {
    expect(book.inForceAt('2027-01-10T00:00:00.000Z').lookup('dial-out', 'FR')).toMatchObject({ perMinute: '0.0400', rateCardVersion: '2027-01' });
    expect(book.inForceAt('2026-12-10T00:00:00.000Z').lookup('dial-out', 'FR')).toMatchObject({ perMinute: '0.0349', rateCardVersion: '2026-11' });
  });

  it('lists the versions in the order they take effect, and knows which exist', () => {
    expect(book.versions().map((v) => v.version)).toEqual(['2026-11', '2027-01', '2027-03']);
    expect(book.versions()[1]).toEqual({
      version: '2027-01',
      effectiveFrom: '2027-01-01T00:00:00.000Z',
      publishedAt: '2026-10-01T00:00:00.000Z',
      publishedBy: 'operator',
    });
    expect(book.has('2027-01')).toBe(true);
    expect(book.has('2027-02')).toBe(false);
    expect(book.effectiveAt('2027-01-01T00:00:00Z')?.version).toBe('2027-01');
    expect(book.effectiveAt('2027-01-01T00:00:00.001Z')).toBeUndefined();
    expect(book.currency).toBe('USD');
  });

  it('needs at least one version and real instants', () => {
    expect(() => new RateBook([])).toThrow(RangeError);
    expect(() => book.inForceAt('yesterday')).toThrow(RangeError);
  });
});

describe('the instant a command is priced at', () => {
  const now = '2027-01-01T00:00:05.000Z';
  const fundCall: WalletCommand = {
    type: 'FundCall',
    request: { source: 'toll-free', callId: 'c1', numberCountry: 'US' },
    causationId: 'e1',
    now,
  };
  const overflow: WalletCommand = {
    type: 'ChargeOverflow',
    callId: 'c2',
    destinationCountry: 'FR',
    durationSeconds: 3700,
    uncoveredMinutes: 2,
    creditsLicensed: true,
    causationId: 'e2',
    now,
  };

  it('is the call’s start for the commands that price a call', () => {
    expect(pricedCallOf(fundCall)).toBe('c1');
    expect(pricedCallOf(overflow)).toBe('c2');
    expect(pricingInstantOf(fundCall, '2026-12-31T23:59:59.000Z')).toBe('2026-12-31T23:59:59.000Z');
    expect(pricingInstantOf(overflow, '2026-12-31T23:00:00.000Z')).toBe('2026-12-31T23:00:00.000Z');
  });

  it('is the decision’s time when the start is unknown, and for every other command', () => {
    expect(pricingInstantOf(fundCall, undefined)).toBe(now);
    const tick: WalletCommand = { type: 'Tick', now };
    expect(pricedCallOf(tick)).toBeNull();
    expect(pricingInstantOf(tick, '2026-12-31T23:59:59.000Z')).toBe(now);
  });
});
