import {
  AutoRechargeAlertV1,
  AutoRechargeRequestedV1,
  CallSettledLateV1,
  Envelope,
  FundsAddedV1,
  LotExpiredV1,
  OverflowUnbilledV1,
  SettlementExceededGrantV1,
} from '@comms-credits/contracts';
import { publishedContractMismatch } from '@comms-credits/service-testing';
import { NOW, walletSpec } from '../test-support/wallet.fixtures';
import { WalletCommand } from './wallet.decider';
import { WalletEvent } from './wallet.events';

/** The contract classes checked here: published events whose data is the contract's, field for field. */
const CONTRACTS: Partial<Record<WalletEvent['type'], new () => Envelope>> = {
  FundsAdded: FundsAddedV1,
  LotExpired: LotExpiredV1,
  OverflowUnbilled: OverflowUnbilledV1,
  AutoRechargeRequested: AutoRechargeRequestedV1,
  AutoRechargeAlert: AutoRechargeAlertV1,
  SettlementExceededGrant: SettlementExceededGrantV1,
  CallSettledLate: CallSettledLateV1,
};

/** Each event of those types the wallet decided, with how its contract reads it as published ('' when exactly). */
const asPublished = (events: WalletEvent[]) =>
  events.flatMap((event) => {
    const contract = CONTRACTS[event.type];
    return contract ? [[event.type, publishedContractMismatch(contract, event)]] : [];
  });

const usd = (amount: string) => ({ amount, currency: 'USD' as const });
const minutesLater = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const addFunds = (amount: string): WalletCommand => ({ type: 'AddFunds', idempotencyKey: `key-${amount}`, amount: usd(amount), now: NOW });

describe('the events the wallet publishes on credit-wallet.events, as their contracts describe them', () => {
  it('funds paid in, and the lot expiring a year later', () => {
    const given = walletSpec.given().after(addFunds('5.00'));
    const then = given.when({ type: 'Tick', now: '2027-11-24T10:00:00.000Z' });
    expect(asPublished(then.history)).toEqual([
      ['FundsAdded', ''],
      ['LotExpired', ''],
    ]);
  });

  it('a call whose end came after its hold was released, reporting more than it was granted', () => {
    const funding = { source: 'toll-free', callId: 't-1', numberCountry: 'US' } as const;
    const given = walletSpec.given().after(addFunds('0.15'), { type: 'FundCall', request: funding, causationId: 'routed-t-1', now: NOW });
    const missing = given.when({ type: 'Tick', now: given.state.holds['t-1']!.dueBy! });
    const then = missing.and.when({ type: 'SettleCall', callId: 't-1', end: { durationSeconds: 3600, endEventId: 'ended-t-1' }, now: minutesLater(90) });
    expect(asPublished(then.history)).toEqual([
      ['FundsAdded', ''],
      ['SettlementExceededGrant', ''],
      ['CallSettledLate', ''],
    ]);
  });

  it('pool minutes it cannot bill', () => {
    const then = walletSpec.given().when({
      type: 'ChargeOverflow',
      callId: 'p-1',
      destinationCountry: 'EG',
      durationSeconds: 120,
      uncoveredMinutes: 2,
      creditsLicensed: false,
      causationId: 'overflow-p-1',
      now: NOW,
    });
    expect(asPublished(then.history)).toEqual([['OverflowUnbilled', '']]);
  });

  it('auto-recharges asked for, declined three times in a row (the alert), then paid (funds added by the recharge)', () => {
    const declined = { status: 'declined', code: 'card_declined', message: 'declined by the sandbox' } as const;
    let given = walletSpec.given().after(
      addFunds('2.00'),
      { type: 'SetPaymentMethod', token: 'tok_sandbox_success', now: NOW },
      {
        type: 'ConfigureAutoRecharge',
        enabled: true,
        triggerAmount: usd('5.00'),
        rechargeAmount: usd('20.00'),
        now: NOW,
      },
    );
    // Declined at 0, 1 and 3 minutes: each back-off (1, then 2 minutes) runs out before the next request.
    for (const [answeredAt, retriedAt] of [
      [0, 1],
      [1, 3],
      [3, 7],
    ] as const) {
      const rechargeId = given.state.autoRecharge.pending!.rechargeId;
      given = given.after(
        { type: 'RecordRechargeOutcome', rechargeId, outcome: declined, now: minutesLater(answeredAt) },
        { type: 'Tick', now: minutesLater(retriedAt) },
      );
    }
    const rechargeId = given.state.autoRecharge.pending!.rechargeId;
    const then = given.when({ type: 'RecordRechargeOutcome', rechargeId, outcome: { status: 'succeeded', paymentId: 'pay_1' }, now: minutesLater(7) });
    expect(asPublished(then.history)).toEqual([
      ['FundsAdded', ''],
      ['AutoRechargeRequested', ''],
      ['AutoRechargeRequested', ''],
      ['AutoRechargeRequested', ''],
      ['AutoRechargeAlert', ''],
      ['AutoRechargeRequested', ''],
      ['FundsAdded', ''],
    ]);
  });
});
