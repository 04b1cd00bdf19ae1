import { RecordedEvent } from '@comms-credits/event-store';
import { routeCreditWalletEvent } from './credit-wallet.service';
import { WALLET_EVENT_TYPES } from './projections/wallet.projection';

const event = (type: string, streamType = 'wallet') => ({ type, streamType }) as RecordedEvent;

describe('credit-wallet routing', () => {
  it('publishes the money facts and the balance on credit-wallet.events', () => {
    for (const type of [
      'WalletBalanceChanged',
      'FundsAdded',
      'CallCharged',
      'LotExpired',
      'OverflowUnbilled',
      'AutoRechargeRequested',
      'AutoRechargeSucceeded',
      'AutoRechargeFailed',
      'AutoRechargeAlert',
      'BalanceReachedZero',
    ]) {
      expect(routeCreditWalletEvent(event(type))).toBe('credit-wallet.events');
    }
  });

  it('publishes its decisions on calls.decisions', () => {
    expect(routeCreditWalletEvent(event('CallAdmitted'))).toBe('calls.decisions');
    expect(routeCreditWalletEvent(event('CallRejected'))).toBe('calls.decisions');
  });

  it('keeps payment tokens, settings, holds and the call log inside', () => {
    for (const type of ['PaymentMethodSet', 'AutoRechargeConfigured', 'HoldPlaced', 'HoldReleased']) expect(routeCreditWalletEvent(event(type))).toBeNull();
    expect(routeCreditWalletEvent(event('CallStartObserved', 'call'))).toBeNull();
    expect(WALLET_EVENT_TYPES.filter((type) => routeCreditWalletEvent(event(type)) === null)).toEqual([
      'HoldPlaced',
      'HoldReleased',
      'PaymentMethodSet',
      'AutoRechargeConfigured',
    ]);
  });
});
