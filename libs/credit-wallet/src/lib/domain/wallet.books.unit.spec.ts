import { Given, accepted } from '@comms-credits/domain-kit';
import { NOW, walletSpec } from '../test-support/wallet.fixtures';
import { FundingRequest } from './admission';
import { WalletCommand, WalletState, availableOf, heldOf, nextDueAt } from './wallet.decider';
import { WalletEvent } from './wallet.events';
import { decodeWallet, encodeWallet } from './wallet.snapshot';

/**
 * Issue 11, the wallet's half of "the books hold": continuation on credits, grant caps, hold
 * expiry, owed money and auto-recharge on the available balance. Given what commands
 * decided, when a command, then events (and the state they lead to).
 */

/** Given a wallet nothing has happened to yet. */
const newWallet = walletSpec.given();
const usd = (amount: string) => ({ amount, currency: 'USD' as const });
const at = (offsetSeconds: number) => new Date(Date.parse(NOW) + offsetSeconds * 1000).toISOString();

const types = (events: WalletEvent[]) => events.map((e) => e.type);
const ofType = <T extends WalletEvent['type']>(events: WalletEvent[], type: T) => events.find((e) => e.type === type) as Extract<WalletEvent, { type: T }>;

const fund = (amount: string, idempotencyKey = `k-${amount}`, now = NOW): WalletCommand => ({ type: 'AddFunds', idempotencyKey, amount: usd(amount), now });
type Continuation = Extract<FundingRequest, { source: 'pool-continuation' }>;
const continuation = (callId: string, change: Partial<Continuation> = {}, now = NOW): WalletCommand => ({
  type: 'FundCall',
  request: {
    source: 'pool-continuation',
    callId,
    userId: 'alice',
    creditsLicensed: true,
    destinationCountry: 'FR',
    poolSeconds: 600,
    maxCreditSeconds: 3000,
    ...change,
  },
  causationId: `handed-${callId}`,
  now,
});
const credits = (callId: string, change: Record<string, unknown> = {}, now = NOW): WalletCommand => ({
  type: 'FundCall',
  request: {
    source: 'pool-hand-over',
    callId,
    userId: 'alice',
    reason: 'NOT_POOL_ELIGIBLE',
    creditsLicensed: true,
    destinationCountry: 'FR',
    emergency: false,
    ...change,
  } as FundingRequest,
  causationId: `handed-${callId}`,
  now,
});
const ended = (callId: string, durationSeconds: number, now = NOW): WalletCommand => ({
  type: 'SettleCall',
  callId,
  end: { durationSeconds, endEventId: `ended-${callId}` },
  now,
});
const overflow = (callId: string, uncoveredMinutes: number, destinationCountry = 'EG'): WalletCommand => ({
  type: 'ChargeOverflow',
  callId,
  destinationCountry,
  durationSeconds: uncoveredMinutes * 60,
  uncoveredMinutes,
  creditsLicensed: true,
  causationId: `overflow-${callId}`,
  now: NOW,
});
const tick = (now: string): WalletCommand => ({ type: 'Tick', now });

describe('continuation on credits', () => {
  const funded = newWallet.after(fund('20.00'));

  it('holds for the continuation at the per-minute rate and states the split in the decision', () => {
    const { events, state, and } = funded.when(continuation('c-1'));
    // min(affordable, 3000 s / 60 = 50 minutes) = 50: 0.0349 × 50 = 1.745 → 1.75, no connection fee
    expect(events).toEqual([
      {
        type: 'CallAdmitted',
        data: { callId: 'c-1', funding: 'pool', maxDurationSeconds: 3600, decidedBy: 'credit-wallet', split: { poolSeconds: 600, creditSeconds: 3000 } },
      },
      {
        type: 'HoldPlaced',
        data: expect.objectContaining({
          callId: 'c-1',
          amount: usd('1.75'),
          grantedMinutes: 50,
          maxDurationSeconds: 3600,
          dueBy: at(3600 + 15 * 60),
          causationEventId: 'handed-c-1',
        }),
      },
    ]);
    expect(heldOf(state)).toBe(175n);
    expect(accepted(and.when(continuation('c-1')))).toEqual([]);
  });

  it('grants the whole minutes the available money pays without connection fee', () => {
    // 0.10: 3 minutes at 0.0349 = 0.1047 → 0.10 (with FR's 0.0125 fee it would be 2)
    const { events } = newWallet.after(fund('0.10')).when(continuation('c-1'));
    expect(events[0]).toMatchObject({ data: { maxDurationSeconds: 780, split: { poolSeconds: 600, creditSeconds: 180 } } });
    expect(events[1]).toMatchObject({ data: { amount: usd('0.10'), grantedMinutes: 3 } });
  });

  it.each([
    ['without the credits licence', funded, { creditsLicensed: false }],
    ['without a rate', funded, { destinationCountry: 'AQ' }],
    ['before billing is set up', newWallet, {}],
    ['when the money does not pay one minute', newWallet.after(fund('0.02')), {}],
  ])('admits the pool part only %s', (_, given, change) => {
    expect(given.when(continuation('c-1', change)).events).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'pool', maxDurationSeconds: 600, decidedBy: 'credit-wallet' } },
    ]);
  });

  it('charges the whole minutes beyond the pool minutes, without connection fee, and releases the hold', () => {
    const { events, state, and } = funded.after(continuation('c-1')).when(ended('c-1', 1499));
    // 1499 s → 25 minutes; the pool debits 10; 15 × 0.0349 = 0.5235 → 0.52
    expect(types(events)).toEqual(['HoldReleased', 'CallCharged', 'WalletBalanceChanged']);
    expect(events[0]).toMatchObject({ data: { amount: usd('1.75'), charged: true } });
    expect(events[1]).toMatchObject({
      data: {
        kind: 'pool-continuation',
        billedMinutes: '15',
        poolMinutes: 10,
        cost: usd('0.52'),
        rate: { country: 'FR', connectionFee: '0.0125' },
        causationEventId: 'ended-c-1',
      },
    });
    expect(heldOf(state)).toBe(0n);
    expect(accepted(and.when(ended('c-1', 1499)))).toEqual([]);
  });

  it('charges nothing when the call ended within the pool part', () => {
    const { events } = funded.after(continuation('c-1')).when(ended('c-1', 540));
    expect(events).toEqual([{ type: 'HoldReleased', data: expect.objectContaining({ charged: false }) }]);
  });

  it('settles at once when the end came before the hand-over, and never for a pool-only call', () => {
    const endedFirst = walletSpec.givenState({ ...funded.state, callEnds: { 'c-1': { durationSeconds: 660, endEventId: 'ended-c-1' } } });
    expect(types(endedFirst.when(continuation('c-1')).events)).toEqual(['CallAdmitted', 'HoldPlaced', 'HoldReleased', 'CallCharged', 'WalletBalanceChanged']);
    const poolOnly = funded.after(continuation('c-2', { creditsLicensed: false }));
    expect(accepted(poolOnly.when(ended('c-2', 900)))).toEqual([]);
  });

  it('charges a pool overflow of a call it admitted, once, apart from the call’s own settlement', () => {
    const admitted = funded.after(continuation('c-1'));
    const charged = admitted.when(overflow('c-1', 2, 'FR'));
    expect(charged.events[0]).toMatchObject({ type: 'CallCharged', data: { kind: 'pool-overflow', billedMinutes: '2', cost: usd('0.07') } });
    expect(accepted(charged.and.when(overflow('c-1', 2, 'FR')))).toEqual([]);
    expect(ofType(charged.and.when(ended('c-1', 1499)).events, 'CallCharged')).toMatchObject({ data: { kind: 'pool-continuation' } });
  });
});

describe('grant caps', () => {
  it('settles a continuation reported beyond its grant at the grant, and records the excess', () => {
    const admitted = newWallet.after(fund('20.00'), continuation('c-1'));
    const { events } = admitted.when(ended('c-1', 3_600_000));
    expect(events[0]).toEqual({
      type: 'SettlementExceededGrant',
      data: { callId: 'c-1', reportedSeconds: 3_600_000, grantedSeconds: 3600, excessSeconds: 3_596_400, causationEventId: 'ended-c-1' },
    });
    // 60 minutes − 10 pool = 50 × 0.0349 = 1.745 → 1.75: exactly the hold
    expect(ofType(events, 'CallCharged')).toMatchObject({ data: { billedMinutes: '50', cost: usd('1.75'), unbilledSeconds: 3_596_400 } });
  });

  it('settles a credits call reported beyond its grant at the grant, and records the excess', () => {
    const admitted = newWallet.after(fund('20.00'), credits('c-1'));
    const { events } = admitted.when(ended('c-1', 7201));
    expect(events[0]).toMatchObject({ type: 'SettlementExceededGrant', data: { reportedSeconds: 7201, grantedSeconds: 7200, excessSeconds: 1 } });
    expect(ofType(events, 'CallCharged')).toMatchObject({ data: { cost: usd('4.20') } });
  });
});

describe('hold expiry', () => {
  // 0.30: 8 minutes to FR = 0.2917 → 0.29 held, due at 480 s + 15 minutes
  const admitted = newWallet.after(fund('0.30'), credits('c-1'));
  const due = at(480 + 900);

  it('releases a hold whose CallEnded has not come by grant + grace, and marks the call', () => {
    expect(nextDueAt(admitted.state)).toBe(due);
    expect(accepted(admitted.when(tick(at(480 + 899))))).toEqual([]);
    const { events, state } = admitted.when(tick(due));
    expect(events).toEqual([{ type: 'CallSettlementMissing', data: { callId: 'c-1', grantedSeconds: 480, heldAmount: usd('0.29'), dueBy: due } }]);
    expect(heldOf(state)).toBe(0n);
    expect(availableOf(state)).toBe(30n);
    expect(state.calls['c-1']!.status).toBe('settlement-missing');
  });

  it('still settles a late CallEnded, capped at the grant and without a hold; what the lots miss is owed', () => {
    const spent = admitted.after(tick(due), overflow('o-1', 1)); // 0.2417 → 0.24 of the 0.30
    const { events, state, and } = spent.when(ended('c-1', 9999, at(2000)));
    expect(types(events)).toEqual(['SettlementExceededGrant', 'CallSettledLate', 'CallCharged', 'WalletBalanceChanged', 'BalanceReachedZero']);
    expect(ofType(events, 'CallCharged')).toMatchObject({ data: { cost: usd('0.29'), amount: usd('0.06'), shortfall: usd('0.23'), owedAfter: usd('0.23') } });
    expect(state.owed).toBe(23n);
    expect(accepted(and.when(ended('c-1', 9999, at(2000))))).toEqual([]);
  });
});

describe('owed, never written off', () => {
  // 1.00, then 5 minutes to EG (1.2085 → 1.21): 0.21 owed
  const owing = newWallet.after(fund('1.00'), overflow('o-1', 5));

  it('owes what the lots could not cover', () => {
    expect(owing.state.owed).toBe(21n);
    expect(availableOf(owing.state)).toBe(0n);
  });

  it('refuses calls that need credits while it owes, naming the debt', () => {
    expect(owing.when(credits('c-1')).events[0]).toMatchObject({
      type: 'CallRejected',
      data: { reason: 'INSUFFICIENT_CREDITS', details: { missing: 'FUNDS', owed: '0.21', detail: expect.stringContaining('owes 0.21 USD') } },
    });
    expect(owing.when(credits('c-2', { reason: 'POOL_EXHAUSTED' })).events[0]).toMatchObject({
      data: { reason: 'POOL_EXHAUSTED_NO_CREDITS', details: { owed: '0.21' } },
    });
    expect(owing.when(continuation('c-3')).events).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-3', funding: 'pool', maxDurationSeconds: 600, decidedBy: 'credit-wallet' } },
    ]);
  });

  it('pays what it owes first from the next funds, traceably', () => {
    const { events, state, and } = owing.when(fund('5.00', 'next'));
    const lotId = ofType(events, 'FundsAdded').data.lotId;
    expect(types(events)).toEqual(['FundsAdded', 'OwedSettled', 'WalletBalanceChanged']);
    expect(events[1]).toEqual({ type: 'OwedSettled', data: { lotId, amount: usd('0.21'), owedAfter: usd('0.00'), balanceAfter: usd('4.79') } });
    expect(events[2]).toMatchObject({ data: { balance: usd('4.79'), available: usd('4.79'), cause: 'FundsAdded' } });
    expect(state.owed).toBe(0n);
    expect(and.when(credits('c-1')).events[0]).toMatchObject({ type: 'CallAdmitted' });
  });

  it('pays part of it from funds smaller than the debt', () => {
    const { events, state } = owing.when(fund('0.10', 'small'));
    expect(types(events)).toEqual(['FundsAdded', 'OwedSettled']);
    expect(state.owed).toBe(11n);
  });
});

describe('auto-recharge on the available balance', () => {
  const recharging = (trigger: string, amount: string, balance = '30.00', cap: number | null = null) =>
    newWallet.after(
      fund(balance),
      { type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW },
      { type: 'ConfigureAutoRecharge', enabled: true, triggerAmount: usd(trigger), rechargeAmount: usd(amount), maxRechargesPerMonth: cap, now: NOW },
    );
  /** When the pending recharge succeeds (accepted: a refusal throws). */
  const succeed = (given: Given<WalletCommand, WalletEvent, WalletState>, now = NOW) => {
    const outcome = given.when({
      type: 'RecordRechargeOutcome',
      rechargeId: given.state.autoRecharge.pending!.rechargeId,
      outcome: { status: 'succeeded', paymentId: 'pay' },
      now,
    });
    accepted(outcome);
    return outcome;
  };
  const requested = (events: WalletEvent[]) => events.filter((e) => e.type === 'AutoRechargeRequested');

  it('recharges once per charge that leaves it below the trigger, never looping on its own success ($5 below $25)', () => {
    // 960 minutes to the US at 0.0125 = 12.00: 30 → 18, below 25
    const first = recharging('25.00', '5.00').when(overflow('o-1', 960, 'US'));
    expect(requested(first.events)).toEqual([
      { type: 'AutoRechargeRequested', data: expect.objectContaining({ reason: 'crossed-trigger', available: usd('18.00') }) },
    ]);
    const refilled = succeed(first.and);
    expect(requested(refilled.events)).toEqual([]); // 23.00, still below: no loop
    // the next charge (1.00) recharges again: before issue 11 it ran the balance down to zero
    const next = refilled.and.when(overflow('o-2', 80, 'US'));
    expect(requested(next.events)).toEqual([
      { type: 'AutoRechargeRequested', data: expect.objectContaining({ reason: 'below-trigger', balance: usd('22.00') }) },
    ]);
    expect(requested(accepted(next.and.when(overflow('o-3', 80, 'US'))))).toEqual([]); // one pending
  });

  it('recharges when a hold leaves the available balance below the trigger', () => {
    // a credits call to FR holds 4.20: 30.00 − 4.20 = 25.80 available, below 27
    const { events } = recharging('27.00', '20.00').when(credits('c-1'));
    expect(types(events)).toEqual(['CallAdmitted', 'HoldPlaced', 'AutoRechargeRequested']);
    expect(events[2]).toMatchObject({ data: { balance: usd('30.00'), available: usd('25.80'), reason: 'crossed-trigger' } });
  });

  it('stops at the monthly cap with one alert, and starts again next month', () => {
    const first = recharging('25.00', '5.00', '30.00', 1).when(overflow('o-1', 960, 'US'));
    const refilled = succeed(first.and).and;
    const capped = refilled.when(overflow('o-2', 80, 'US'));
    expect(types(capped.events)).toEqual(['CallCharged', 'WalletBalanceChanged', 'AutoRechargeCapReached']);
    expect(capped.events[2]).toEqual({
      type: 'AutoRechargeCapReached',
      data: { month: '2026-11', maxRechargesPerMonth: 1, available: usd('22.00'), triggerAmount: usd('25.00') },
    });
    expect(types(capped.and.when(overflow('o-3', 80, 'US')).events)).toEqual(['CallCharged', 'WalletBalanceChanged']);
    const nextMonth = capped.and.when({ ...overflow('o-4', 80, 'US'), now: '2026-12-01T00:00:00.000Z' });
    expect(types(nextMonth.events)).toContain('AutoRechargeRequested');
  });

  it('takes the cap in the settings: a whole number of at least 1, or null', () => {
    const configure = (maxRechargesPerMonth: number | null): WalletCommand => ({
      type: 'ConfigureAutoRecharge',
      enabled: true,
      triggerAmount: usd('5.00'),
      rechargeAmount: usd('20.00'),
      maxRechargesPerMonth,
      now: NOW,
    });
    const withToken = newWallet.after({ type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW });
    for (const bad of [0, -1, 1.5]) {
      expect(withToken.when(configure(bad)).error).toMatchObject({ code: 'WALLET.INVALID_RECHARGE_CAP' });
    }
    expect(withToken.after(configure(3)).state.autoRecharge.maxPerMonth).toBe(3);
  });
});

describe('snapshots', () => {
  it('keep the tenant’s state exactly, bigints and all', () => {
    const state = newWallet.after(fund('1.00'), overflow('o-1', 5), continuation('c-1', {}, NOW)).state;
    const busy = newWallet.after(fund('20.00'), fund('3.00', 'k2'), credits('c-2')).state;
    for (const wallet of [state, busy]) {
      const roundTrip = decodeWallet(wallet.tenantId, JSON.parse(JSON.stringify(encodeWallet(wallet))));
      expect(roundTrip).toEqual({ ...wallet, calls: {}, fundings: {}, callEnds: {} });
    }
  });
});
