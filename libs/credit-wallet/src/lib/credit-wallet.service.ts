import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, poolLedgerSchemas, telephonySchemas, tollFreeSchemas } from '@comms-credits/contracts';
import { EventStore1764000000000, StoredEventKind } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { CreditWalletConfig } from './credit-wallet.config';
import { CreditWalletModule } from './credit-wallet.module';
import { CreditWallet1764000000500 } from './migrations/1764000000500-credit-wallet';
import { RateCards1764000000580 } from './migrations/1764000000580-rate-cards';
import { WalletSnapshots1764000000520 } from './migrations/1764000000520-wallet-snapshots';
import { walletSnapshotProjection } from './projections/wallet-snapshot.projection';
import { rateCardProjection } from './projections/rate-card.projection';
import { walletProjection } from './projections/wallet.projection';

const telephony = telephonySchemas();

/**
 * What `credit-wallet.events` carries: the balance for the services that gate on it, and the
 * money facts (docs/credit-wallet.md). Holds, settings and payment tokens stay inside.
 */
const PUBLISHED = new Set([
  'WalletBalanceChanged',
  'FundsAdded',
  'CallCharged',
  'LotExpired',
  'OverflowUnbilled',
  'AutoRechargeRequested',
  'AutoRechargeSucceeded',
  'AutoRechargeFailed',
  'AutoRechargeAlert',
  'AutoRechargeCapReached',
  'BalanceReachedZero',
  'OwedSettled',
  'SettlementExceededGrant',
  'CallSettlementMissing',
  'CallSettledLate',
]);
const DECISIONS = new Set(['CallAdmitted', 'CallRejected']);

export function routeCreditWalletEvent(event: StoredEventKind): string | null {
  if (event.streamType !== 'wallet') return null;
  if (PUBLISHED.has(event.type)) return Topics.CreditWalletEvents;
  if (DECISIONS.has(event.type)) return Topics.CallDecisions;
  return null;
}

/** The credit-wallet service: what it owns, consumes, projects and publishes. */
export const creditWalletService: ServiceDefinition = {
  name: 'credit-wallet',
  title: 'comms-credits: Credit wallet',
  description: 'Billed communications credits: funding lots, holds, charges, auto-recharge, rate card; admission stage 4.',
  defaultPort: 3004,
  configSchema: CreditWalletConfig,
  module: CreditWalletModule,
  migrations: [EventStore1764000000000, CallLog1764000000100, CreditWallet1764000000500, WalletSnapshots1764000000520, RateCards1764000000580],
  projections: [callLogProjection, walletSnapshotProjection, walletProjection, rateCardProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    // The pool's hand-overs; not its usage thresholds.
    [Topics.PoolLedgerEvents]: poolLedgerSchemas().only('CallHandedToWallet', 'PoolOverflowHandedToWallet'),
    [Topics.TollFreeEvents]: tollFreeSchemas(),
  },
  route: routeCreditWalletEvent,
};
