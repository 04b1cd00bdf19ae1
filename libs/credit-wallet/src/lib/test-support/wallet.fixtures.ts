import { fold } from '@comms-credits/domain-kit';
import { AppliedRate, RateTable } from '../domain/rate-card';
import { WalletPolicy, WalletState, emptyWallet, evolveWallet } from '../domain/wallet.decider';
import { WalletEvent } from '../domain/wallet.events';

/** A small rate card for unit tests: awkward rates, a connection fee, toll-free inbound. */
export const testRates = new RateTable({
  version: 'test-1',
  currency: 'USD',
  effectiveFrom: '2026-11-01T00:00:00.000Z',
  increment: { first: 60, next: 60 },
  dialOut: [
    { country: 'FR', perMinute: '0.0349', connectionFee: '0.0125' },
    { country: 'US', perMinute: '0.0125', connectionFee: '0' },
    { country: 'EG', perMinute: '0.2417', connectionFee: '0.05' },
  ],
  tollFreeInbound: [{ country: 'US', perMinute: '0.0193', connectionFee: '0' }],
});

export const testPolicy: WalletPolicy = {
  maxHoldMinutes: 120,
  settlementGraceMinutes: 15,
  recharge: { backoffBaseMs: 60_000, backoffMaxMs: 3_600_000, alertAfter: 3 },
};

export const NOW = '2026-11-24T10:00:00.000Z';

/** The wallet after `events` (given/when/then). */
export function givenWallet(events: WalletEvent[], tenantId = 'contoso'): WalletState {
  return fold(evolveWallet, emptyWallet(tenantId), events);
}

/** A dial-out rate to FR (or any price) in USD, for pricing tests. */
export const rateOf = (perMinute: string, connectionFee = '0', increment = { first: 60, next: 60 }): AppliedRate => ({
  kind: 'dial-out',
  country: 'FR',
  perMinute,
  connectionFee,
  currency: 'USD',
  rateCardVersion: 'test',
  increment,
});
