import { testRates } from '../test-support/wallet.fixtures';
import { FundingRequest, decideFunding } from './admission';

type HandOver = Extract<FundingRequest, { source: 'pool-hand-over' }>;
const handOver = (change: Partial<HandOver> = {}): HandOver => ({
  source: 'pool-hand-over',
  callId: 'c-1',
  userId: 'alice',
  reason: 'NOT_POOL_ELIGIBLE',
  creditsLicensed: true,
  destinationCountry: 'FR',
  emergency: false,
  ...change,
});
const tollFree = (numberCountry = 'US'): FundingRequest => ({ source: 'toll-free', callId: 't-1', numberCountry });
const funded = (available: bigint, owed = 0n) => ({ billingSetUp: true, available, owed });
const decide = (request: FundingRequest, funds = funded(2000n), cap = 120) => decideFunding(request, funds, testRates, cap);

describe('admission stage 4', () => {
  it('admits with a hold of the granted minutes and grants what the available money pays for, up to the cap', () => {
    expect(decide(handOver(), funded(2000n))).toMatchObject({ kind: 'admit', grantedMinutes: 120, hold: 420n });
    // 1.00 at 0.0349/min + 0.0125: 28 minutes cost 0.99, 29 would cost 1.02
    expect(decide(handOver(), funded(100n))).toMatchObject({ kind: 'admit', grantedMinutes: 28, hold: 99n, rate: { perMinute: '0.0349' } });
    expect(decide(handOver(), funded(100n), 10)).toMatchObject({ grantedMinutes: 10, hold: 36n });
  });

  it('rejects NOT_POOL_ELIGIBLE without the credits licence: NO_COMMUNICATIONS_CREDITS_LICENSE', () => {
    expect(decide(handOver({ creditsLicensed: false }))).toMatchObject({
      kind: 'reject',
      reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE',
      details: { missing: 'COMMUNICATIONS_CREDITS_LICENSE', userId: 'alice' },
    });
  });

  it('rejects a POOL_EXHAUSTED hand-over it cannot fund with POOL_EXHAUSTED_NO_CREDITS, saying what is missing', () => {
    const exhausted = handOver({ reason: 'POOL_EXHAUSTED' });
    expect(decide({ ...exhausted, creditsLicensed: false })).toMatchObject({
      reason: 'POOL_EXHAUSTED_NO_CREDITS',
      details: { missing: 'COMMUNICATIONS_CREDITS_LICENSE' },
    });
    expect(decide(exhausted, { billingSetUp: false, available: 0n, owed: 0n })).toMatchObject({
      reason: 'POOL_EXHAUSTED_NO_CREDITS',
      details: { missing: 'BILLING' },
    });
    expect(decide(exhausted, funded(0n))).toMatchObject({ reason: 'POOL_EXHAUSTED_NO_CREDITS', details: { missing: 'FUNDS' } });
    expect(decide(exhausted)).toMatchObject({ kind: 'admit' });
  });

  it('rejects without billing set up, or without money for the first minute and connection fee: INSUFFICIENT_CREDITS', () => {
    expect(decide(handOver(), { billingSetUp: false, available: 0n, owed: 0n })).toMatchObject({
      reason: 'INSUFFICIENT_CREDITS',
      details: { missing: 'BILLING' },
    });
    // the first minute to FR costs 0.0349 + 0.0125 = 0.0474 → 0.05
    expect(decide(handOver(), funded(4n))).toMatchObject({
      reason: 'INSUFFICIENT_CREDITS',
      details: { missing: 'FUNDS', available: '0.04', required: '0.05' },
    });
    expect(decide(handOver(), funded(5n))).toMatchObject({ kind: 'admit', grantedMinutes: 1, hold: 5n });
    expect(decide(tollFree(), funded(0n))).toMatchObject({ reason: 'INSUFFICIENT_CREDITS' });
  });

  it('rejects a country without rate: NO_RATE_FOR_DESTINATION', () => {
    expect(decide(handOver({ destinationCountry: 'AQ' }))).toMatchObject({
      kind: 'reject',
      reason: 'NO_RATE_FOR_DESTINATION',
      details: { rateKind: 'dial-out', country: 'AQ' },
    });
    expect(decide(tollFree('FR'))).toMatchObject({ reason: 'NO_RATE_FOR_DESTINATION', details: { rateKind: 'toll-free-inbound' } });
  });

  it('funds toll-free inbound without any licence, at the number country’s toll-free rate', () => {
    // 52 × 0.0193 = 1.0036 → 1.00: the rounded charge is what must fit
    expect(decide(tollFree('US'), funded(100n))).toMatchObject({
      kind: 'admit',
      grantedMinutes: 52,
      hold: 100n,
      rate: { kind: 'toll-free-inbound', perMinute: '0.0193' },
    });
  });

  it('never refuses an emergency call for money', () => {
    expect(decide(handOver({ emergency: true, creditsLicensed: false }), { billingSetUp: false, available: 0n, owed: 0n })).toEqual({ kind: 'admit-free' });
  });

  describe('a pool call that continues on credits', () => {
    const continuation = (change: Partial<Extract<FundingRequest, { source: 'pool-continuation' }>> = {}): FundingRequest => ({
      source: 'pool-continuation',
      callId: 'c-1',
      userId: 'alice',
      creditsLicensed: true,
      destinationCountry: 'FR',
      poolSeconds: 1800,
      maxCreditSeconds: 5400,
      ...change,
    });

    it('holds for min(affordable minutes at the per-minute rate without fee, maxCreditSeconds / 60)', () => {
      expect(decide(continuation(), funded(2000n))).toMatchObject({ kind: 'continue', creditMinutes: 90, hold: 314n });
      // 1.00 at 0.0349/min without fee: 28 minutes = 0.9772 → 0.98; 29 = 1.0121 → 1.01
      expect(decide(continuation(), funded(100n))).toMatchObject({ kind: 'continue', creditMinutes: 28, hold: 98n });
      expect(decide(continuation({ maxCreditSeconds: 150 }), funded(2000n))).toMatchObject({ creditMinutes: 2 });
    });

    it('keeps the call on the pool part when it cannot hold, and says why (never a rejection)', () => {
      expect(decide(continuation({ creditsLicensed: false }))).toEqual({ kind: 'pool-only', cause: 'COMMUNICATIONS_CREDITS_LICENSE' });
      expect(decide(continuation({ destinationCountry: 'AQ' }))).toEqual({ kind: 'pool-only', cause: 'RATE' });
      expect(decide(continuation(), { billingSetUp: false, available: 0n, owed: 0n })).toEqual({ kind: 'pool-only', cause: 'BILLING' });
      expect(decide(continuation(), funded(0n, 5n))).toEqual({ kind: 'pool-only', cause: 'OWED' });
      expect(decide(continuation(), funded(2n))).toEqual({ kind: 'pool-only', cause: 'FUNDS' });
      expect(decide(continuation({ maxCreditSeconds: 59 }))).toEqual({ kind: 'pool-only', cause: 'FUNDS' });
    });
  });
});
