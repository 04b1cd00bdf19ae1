import { accepted } from '@comms-credits/domain-kit';
import { NOW, walletSpec } from '../test-support/wallet.fixtures';
import { FundingRequest } from './admission';
import { WalletCommand, heldOf } from './wallet.decider';
import { WalletEvent } from './wallet.events';

/** Given a wallet nothing has happened to yet. */
const newWallet = walletSpec.given();
const usd = (amount: string) => ({ amount, currency: 'USD' as const });
const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();
const MINUTE = 60_000;

const types = (events: WalletEvent[]) => events.map((e) => e.type);
const fund = (amount: string, idempotencyKey = `k-${amount}`, now = NOW): WalletCommand => ({ type: 'AddFunds', idempotencyKey, amount: usd(amount), now });
const dialOut = (callId: string, change: Partial<Extract<FundingRequest, { source: 'pool-hand-over' }>> = {}): WalletCommand => ({
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
  },
  causationId: `handed-${callId}`,
  now: NOW,
});
const end = (callId: string, durationSeconds: number, now = NOW): WalletCommand => ({
  type: 'SettleCall',
  callId,
  end: { durationSeconds, endEventId: `ended-${callId}` },
  now,
});
const overflow = (callId: string, uncoveredMinutes: number, change: Partial<Extract<WalletCommand, { type: 'ChargeOverflow' }>> = {}): WalletCommand => ({
  type: 'ChargeOverflow',
  callId,
  destinationCountry: 'EG',
  durationSeconds: uncoveredMinutes * 60,
  uncoveredMinutes,
  creditsLicensed: true,
  causationId: `overflow-${callId}`,
  now: NOW,
  ...change,
});

describe('wallet decider: funding', () => {
  it('adds a lot once per Idempotency-Key, expiring 12 months later, and announces the balance', () => {
    const first = newWallet.when(fund('20.00', 'k1'));
    expect(first.events).toEqual([
      {
        type: 'FundsAdded',
        data: expect.objectContaining({
          amount: usd('20.00'),
          source: 'funds',
          idempotencyKey: 'k1',
          purchasedAt: NOW,
          expiresAt: '2027-11-24T10:00:00.000Z',
          balanceAfter: usd('20.00'),
        }),
      },
      { type: 'WalletBalanceChanged', data: { balance: usd('20.00'), available: usd('20.00'), billingSetUp: true, cause: 'FundsAdded' } },
    ]);
    expect(accepted(first.and.when(fund('20.00', 'k1')))).toEqual([]);
    expect(accepted(first.and.when(fund('20.0', 'k1')))).toEqual([]);
    expect(first.and.when(fund('25.00', 'k1')).error).toMatchObject({ code: 'WALLET.IDEMPOTENCY_KEY_REUSED', kind: 'rule' });
  });

  it('keeps one currency, the rate card’s', () => {
    const eur = { type: 'AddFunds' as const, idempotencyKey: 'k', amount: { amount: '20.00', currency: 'EUR' as const }, now: NOW };
    expect(newWallet.when(eur).error).toMatchObject({ code: 'WALLET.CURRENCY_MISMATCH', kind: 'conflict', details: { expected: 'USD' } });
    expect(newWallet.after(fund('5.00')).when(eur).error).toMatchObject({ code: 'WALLET.CURRENCY_MISMATCH' });
  });

  it.each(['0.00', '-5.00', '1.234', '1000000.01', 'ten'])('refuses the amount %s', (amount) => {
    expect(newWallet.when(fund(amount)).error).toMatchObject({ code: 'WALLET.INVALID_AMOUNT', kind: 'invalid' });
  });
});

describe('wallet decider: admission and settlement', () => {
  const funded = newWallet.after(fund('0.30', 'k1'), fund('5.00', 'k2'));
  const [lot1, lot2] = funded.state.lots.map((l) => l.lotId);

  it('admits with a hold and decides each call once', () => {
    const admitted = funded.when(dialOut('c-1'));
    expect(admitted.events).toEqual([
      { type: 'CallAdmitted', data: { callId: 'c-1', funding: 'credits', maxDurationSeconds: 7200, decidedBy: 'credit-wallet' } },
      {
        type: 'HoldPlaced',
        data: expect.objectContaining({
          callId: 'c-1',
          amount: usd('4.20'),
          grantedMinutes: 120,
          causationEventId: 'handed-c-1',
          rate: expect.objectContaining({ country: 'FR', perMinute: '0.0349', rateCardVersion: 'test-1' }),
        }),
      },
    ]);
    expect(accepted(admitted.and.when(dialOut('c-1')))).toEqual([]);
    // 5.30 − 4.20 held: the next call gets what is left (1.10 → 31 minutes, 1.09)
    expect(admitted.and.when(dialOut('c-2')).events[1]).toMatchObject({ type: 'HoldPlaced', data: { amount: usd('1.09'), grantedMinutes: 31 } });
  });

  it('charges rate × whole minutes + connection fee FIFO across lots, releases the hold, once', () => {
    const ended = funded.after(dialOut('c-1')).when(end('c-1', 9 * 60 + 1));
    // 10 minutes: 0.349 + 0.0125 = 0.3615 → 0.36, from the first lot (0.30) then the second
    expect(ended.events).toEqual([
      { type: 'HoldReleased', data: { callId: 'c-1', amount: usd('4.20'), charged: true, causationEventId: 'ended-c-1' } },
      {
        type: 'CallCharged',
        data: expect.objectContaining({
          callId: 'c-1',
          kind: 'call',
          causationEventId: 'ended-c-1',
          durationSeconds: 541,
          billedMinutes: '10',
          cost: usd('0.36'),
          amount: usd('0.36'),
          shortfall: usd('0.00'),
          lots: [
            { lotId: lot1, amount: usd('0.30') },
            { lotId: lot2, amount: usd('0.06') },
          ],
          balanceAfter: usd('4.94'),
        }),
      },
      { type: 'WalletBalanceChanged', data: { balance: usd('4.94'), available: usd('4.94'), billingSetUp: true, cause: 'CallCharged' } },
    ]);
    expect(accepted(ended.and.when(end('c-1', 541)))).toEqual([]);
    expect(heldOf(ended.state)).toBe(0n);
  });

  it('bills 61 s as two minutes', () => {
    expect(funded.after(dialOut('c-1')).when(end('c-1', 61)).events[1]).toMatchObject({ data: { billedMinutes: '2', cost: usd('0.08') } });
  });

  it('does not charge a 0-second call, and releases its hold', () => {
    const ended = funded.after(dialOut('c-1')).when(end('c-1', 0));
    expect(ended.events).toEqual([{ type: 'HoldReleased', data: expect.objectContaining({ charged: false }) }]);
    expect(heldOf(ended.state)).toBe(0n);
  });

  it('settles at once when the end arrived before the hand-over', () => {
    const endedFirst = walletSpec.givenState({ ...funded.state, callEnds: { 'c-1': { durationSeconds: 420, endEventId: 'ended-c-1' } } });
    const decided = endedFirst.when(dialOut('c-1'));
    expect(types(decided.events)).toEqual(['CallAdmitted', 'HoldPlaced', 'HoldReleased', 'CallCharged', 'WalletBalanceChanged']);
    // 0.0349 × 7 + 0.0125 = 0.2568 → 0.26
    expect(decided.events[3]).toMatchObject({ data: { cost: usd('0.26'), causationEventId: 'ended-c-1' } });
  });

  it('never charges more than the hold: seconds past the granted maximum are not billed', () => {
    const admitted = newWallet.after(fund('0.15')).when(dialOut('c-1'));
    expect(admitted.events[1]).toMatchObject({ data: { amount: usd('0.15'), grantedMinutes: 4 } });
    const settled = admitted.and.when(end('c-1', 600));
    expect(types(settled.events)).toEqual(['SettlementExceededGrant', 'HoldReleased', 'CallCharged', 'WalletBalanceChanged', 'BalanceReachedZero']);
    expect(settled.events[2]).toMatchObject({ data: { billedMinutes: '4', unbilledSeconds: 360, cost: usd('0.15'), shortfall: usd('0.00') } });
  });

  it('charges what the lots still cover when one expired during the call, and records the shortfall', () => {
    const expiring = newWallet.after(fund('0.10', 'old', '2025-11-24T10:30:00.000Z'), fund('0.05', 'new'));
    const admitted = expiring.when(dialOut('c-1'));
    expect(admitted.events[1]).toMatchObject({ data: { amount: usd('0.15'), grantedMinutes: 4 } });
    const settled = admitted.and.when(end('c-1', 240, '2026-11-24T11:00:00.000Z'));
    expect(types(settled.events)).toEqual(['LotExpired', 'WalletBalanceChanged', 'HoldReleased', 'CallCharged', 'WalletBalanceChanged', 'BalanceReachedZero']);
    expect(settled.events[0]).toMatchObject({ data: { amount: usd('0.10'), expiredAt: '2026-11-24T10:30:00.000Z', balanceAfter: usd('0.05') } });
    expect(settled.events[3]).toMatchObject({ data: { cost: usd('0.15'), amount: usd('0.05'), shortfall: usd('0.10'), balanceAfter: usd('0.00') } });
    expect(settled.events[5]).toEqual({ type: 'BalanceReachedZero', data: { cause: 'CallCharged', callId: 'c-1' } });
  });

  it('rejects with the contract’s reason codes, once', () => {
    const rejected = newWallet.when(dialOut('c-1', { reason: 'POOL_EXHAUSTED' }));
    expect(rejected.events).toEqual([
      {
        type: 'CallRejected',
        data: { callId: 'c-1', reason: 'POOL_EXHAUSTED_NO_CREDITS', decidedBy: 'credit-wallet', details: expect.objectContaining({ missing: 'BILLING' }) },
      },
    ]);
    expect(accepted(rejected.and.when(dialOut('c-1', { reason: 'POOL_EXHAUSTED' })))).toEqual([]);
    expect(accepted(rejected.and.when(end('c-1', 60)))).toEqual([]);
    expect(funded.when(dialOut('c-2', { creditsLicensed: false })).events[0]).toMatchObject({ data: { reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' } });
    expect(funded.when(dialOut('c-3', { destinationCountry: 'AQ' })).events[0]).toMatchObject({ data: { reason: 'NO_RATE_FOR_DESTINATION' } });
    expect(newWallet.when(dialOut('c-4')).events[0]).toMatchObject({ data: { reason: 'INSUFFICIENT_CREDITS' } });
  });
});

describe('wallet decider: pool overflow', () => {
  const funded = newWallet.after(fund('20.00'));

  it('charges exactly the uncovered minutes at the destination rate, without connection fee or hold, once', () => {
    const charged = funded.when(overflow('p-1', 7));
    // 0.2417 × 7 = 1.6919 → 1.69 (EG has a 0.05 connection fee: not charged)
    expect(charged.events[0]).toMatchObject({
      type: 'CallCharged',
      data: { kind: 'pool-overflow', billedMinutes: '7', cost: usd('1.69'), amount: usd('1.69'), causationEventId: 'overflow-p-1' },
    });
    expect(types(charged.events)).toEqual(['CallCharged', 'WalletBalanceChanged']);
    expect(accepted(charged.and.when(overflow('p-1', 7)))).toEqual([]);
  });

  it('records an overflow it cannot bill instead of dropping it', () => {
    expect(funded.when(overflow('p-1', 3, { creditsLicensed: false })).events).toEqual([
      {
        type: 'OverflowUnbilled',
        data: { callId: 'p-1', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE', destinationCountry: 'EG', uncoveredMinutes: 3, causationEventId: 'overflow-p-1' },
      },
    ]);
    expect(newWallet.when(overflow('p-2', 3)).events[0]).toMatchObject({ data: { reason: 'BILLING_NOT_SET_UP' } });
    expect(funded.when(overflow('p-3', 3, { destinationCountry: 'AQ' })).events[0]).toMatchObject({ data: { reason: 'NO_RATE_FOR_DESTINATION' } });
  });
});

describe('wallet decider: lot expiry', () => {
  it('expires a lot at its expiry as an event, with the balance it leaves', () => {
    const funded = newWallet.after(fund('7.50'));
    expect(accepted(funded.when({ type: 'Tick', now: '2027-11-24T09:59:59.999Z' }))).toEqual([]);
    const expired = funded.when({ type: 'Tick', now: '2027-11-24T10:00:00.000Z' });
    expect(types(expired.events)).toEqual(['LotExpired', 'WalletBalanceChanged', 'BalanceReachedZero']);
    expect(expired.events[0]).toMatchObject({ data: { amount: usd('7.50'), balanceAfter: usd('0.00') } });
    expect(expired.state.billingSetUp).toBe(true);
  });
});

describe('wallet decider: payment method and auto-recharge', () => {
  const configured = newWallet.after(
    fund('20.00'),
    { type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW },
    { type: 'ConfigureAutoRecharge', enabled: true, triggerAmount: usd('5.00'), rechargeAmount: usd('20.00'), now: NOW },
  );
  // 60 minutes to EG: 14.50, then 10 more: 2.42 → 3.08, below the 5.00 trigger
  const crossed = configured.after(overflow('p-1', 60)).when(overflow('p-2', 10));
  const rechargeId = crossed.state.autoRecharge.pending!.rechargeId;
  type Outcome = Extract<WalletCommand, { type: 'RecordRechargeOutcome' }>['outcome'];
  const answer = (outcome: Outcome, now = NOW, id = rechargeId): WalletCommand => ({ type: 'RecordRechargeOutcome', rechargeId: id, outcome, now });
  const declined = { status: 'declined' as const, code: 'card_declined', message: 'declined by the sandbox' };

  it('refuses card numbers and malformed tokens', () => {
    for (const token of ['4111111111111111', '4111 1111 1111 1111', 'tok_4111-1111-1111-1111']) {
      expect(newWallet.when({ type: 'SetPaymentMethod', token, now: NOW }).error).toMatchObject({ code: 'WALLET.CARD_NUMBER_NOT_ACCEPTED' });
    }
    expect(newWallet.when({ type: 'SetPaymentMethod', token: 'a b', now: NOW }).error).toMatchObject({ code: 'WALLET.INVALID_PAYMENT_TOKEN' });
    expect(newWallet.when({ type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW }).events).toEqual([
      { type: 'PaymentMethodSet', data: { token: 'tok_sandbox_success', tokenHint: '…cess' } },
    ]);
  });

  it('needs a payment method and both amounts to enable auto-recharge', () => {
    const enable = { type: 'ConfigureAutoRecharge' as const, enabled: true, triggerAmount: usd('5.00'), rechargeAmount: usd('20.00'), now: NOW };
    expect(newWallet.when(enable).error).toMatchObject({ code: 'WALLET.PAYMENT_METHOD_REQUIRED' });
    const withToken = newWallet.after({ type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW });
    expect(withToken.when({ ...enable, rechargeAmount: null }).error).toMatchObject({ code: 'WALLET.AUTO_RECHARGE_AMOUNTS_REQUIRED' });
    expect(withToken.when({ ...enable, rechargeAmount: usd('0') }).error).toMatchObject({ code: 'WALLET.INVALID_AMOUNT' });
  });

  it('fires once when a charge takes the balance below the trigger, never with one pending', () => {
    expect(crossed.events.at(-1)).toEqual({
      type: 'AutoRechargeRequested',
      data: {
        rechargeId,
        amount: usd('20.00'),
        triggerAmount: usd('5.00'),
        balance: usd('3.08'),
        available: usd('3.08'),
        reason: 'crossed-trigger',
        attempt: 1,
      },
    });
    expect(types(crossed.and.when(overflow('p-3', 1)).events)).toEqual(['CallCharged', 'WalletBalanceChanged']);
  });

  it('adds a lot when the recharge succeeds, once however often the answer is recorded', () => {
    const succeeded = crossed.and.when(answer({ status: 'succeeded', paymentId: 'pay_1' }));
    expect(types(succeeded.events)).toEqual(['AutoRechargeSucceeded', 'FundsAdded', 'WalletBalanceChanged']);
    expect(succeeded.events[1]).toMatchObject({ data: { source: 'auto-recharge', rechargeId, amount: usd('20.00'), balanceAfter: usd('23.08') } });
    expect(accepted(succeeded.and.when(answer({ status: 'succeeded', paymentId: 'pay_1' })))).toEqual([]);
  });

  it('fires when configured below the trigger', () => {
    const low = newWallet.after(fund('2.00'), { type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW });
    const enabled = low.when({ type: 'ConfigureAutoRecharge', enabled: true, triggerAmount: usd('5.00'), rechargeAmount: usd('20.00'), now: NOW });
    expect(enabled.events.at(-1)).toMatchObject({ type: 'AutoRechargeRequested', data: { reason: 'configured-below-trigger' } });
  });

  it('backs off exponentially after declines, retries when the back-off has run out, and alerts after three in a row', () => {
    const first = crossed.and.when(answer(declined));
    expect(first.events).toEqual([
      {
        type: 'AutoRechargeFailed',
        data: {
          rechargeId,
          amount: usd('20.00'),
          outcome: 'declined',
          code: 'card_declined',
          message: 'declined by the sandbox',
          consecutiveFailures: 1,
          backoffMs: MINUTE,
          retryAt: at(MINUTE),
        },
      },
    ]);
    expect(types(accepted(first.and.when(overflow('p-3', 1))))).not.toContain('AutoRechargeRequested');
    expect(accepted(first.and.when({ type: 'Tick', now: at(MINUTE - 1) }))).toEqual([]);
    const retry = first.and.when({ type: 'Tick', now: at(MINUTE) });
    expect(retry.events).toEqual([{ type: 'AutoRechargeRequested', data: expect.objectContaining({ reason: 'retry-after-decline', attempt: 2 }) }]);
    expect(retry.state.autoRecharge.pending!.rechargeId).not.toBe(rechargeId);

    const second = retry.and.when(answer(declined, at(MINUTE), retry.state.autoRecharge.pending!.rechargeId));
    expect(second.events[0]).toMatchObject({ data: { consecutiveFailures: 2, backoffMs: 2 * MINUTE, retryAt: at(3 * MINUTE) } });
    const third = second.and.after({ type: 'Tick', now: at(3 * MINUTE) });
    const alerted = third.when(answer(declined, at(3 * MINUTE), third.state.autoRecharge.pending!.rechargeId));
    expect(types(alerted.events)).toEqual(['AutoRechargeFailed', 'AutoRechargeAlert']);
    expect(alerted.events[1]).toMatchObject({ data: { consecutiveFailures: 3, code: 'card_declined' } });
  });

  it('retries at once with a new payment method', () => {
    const first = crossed.and.when(answer(declined));
    const renewed = first.and.when({ type: 'SetPaymentMethod', token: 'tok_new_card', now: at(1000) });
    expect(types(renewed.events)).toEqual(['PaymentMethodSet', 'AutoRechargeRequested']);
  });
});
