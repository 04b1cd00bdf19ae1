import { deciderSpec } from '@comms-credits/domain-kit';
import { AppliedRate, RateTable } from '../domain/rate-card';
import { WalletPolicy, emptyWallet, walletDecider } from '../domain/wallet.decider';

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

/** The tenant contoso's wallet under the test rates and policy, given/when/then (`walletSpec.given().when(command)`). */
export const walletSpec = deciderSpec({ ...walletDecider(testRates, testPolicy), initialState: () => emptyWallet('contoso') });

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
