import {
  CallChargedV1,
  AutoRechargeCapReachedV1,
  AutoRechargeFailedV1,
  AutoRechargeSucceededV1,
  BalanceReachedZeroV1,
  CallSettlementMissingV1,
  OwedSettledV1,
  WalletBalanceChangedV1,
} from './credit-wallet';
import { EventEnvelope } from './envelope';
import { CallEntitledV1, CallScreenedV1 } from './licensing';
import { PoolCallSettledV1, PoolMonthChangedV1, PoolSettlementMissingV1, PoolUsageThresholdReachedV1 } from './pool-ledger';
import { SchemaRegistry } from './schema-registry';
import { TollFreeNumbersResumedV1, TollFreeNumbersSuspendedV1 } from './toll-free';

/**
 * What the reporting service reads (design.md, "Reporting service"): of each service's topic,
 * the settlements and alerts its producer declares (pool-ledger.ts, credit-wallet.ts,
 * toll-free.ts, licensing.ts), and any other event only for the tenant it names.
 */

/** Any other event a service publishes, read by the reporting service only for the tenant it names. */
export class TenantActivityV1 extends EventEnvelope {}

const ACTIVITY = {
  licensing: ['UserUpserted', 'SubscriptionSeatsChanged', 'LicenseAssigned', 'LicenseUnassigned'],
  pool: ['CallHandedToWallet', 'PoolOverflowHandedToWallet'],
  wallet: ['FundsAdded', 'LotExpired', 'AutoRechargeRequested'],
  tollFree: ['TollFreeNumberAcquired', 'TollFreeNumberAssigned', 'TollFreeNumberReleased', 'TollFreeCallRouted'],
};
const activity = (registry: SchemaRegistry, types: readonly string[]) =>
  types.reduce((r, type) => r.register({ type, schema: TenantActivityV1, latestVersion: 1 }), registry);

/** What the reporting service reads of `pool-ledger.events` (since session 10 also what the pool screened and entitled in one hop). */
export function poolLedgerReportSchemas(): SchemaRegistry {
  const registry = new SchemaRegistry({ ignoreUnknownTypes: true });
  for (const type of ['PoolMinutesReserved', 'PoolMinutesDebited', 'PoolReservationExpired'])
    registry.register({ type, schema: PoolMonthChangedV1, latestVersion: 1 });
  return activity(registry, ACTIVITY.pool)
    .register({ type: 'PoolCallSettled', schema: PoolCallSettledV1, latestVersion: 1 })
    .register({ type: 'PoolSettlementMissing', schema: PoolSettlementMissingV1, latestVersion: 1 })
    .register({ type: 'PoolUsageThresholdReached', schema: PoolUsageThresholdReachedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 })
    .register({ type: 'CallScreened', schema: CallScreenedV1, latestVersion: 1 });
}

/** What the reporting service reads of `credit-wallet.events`. */
export function creditWalletReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.wallet)
    .register({ type: 'WalletBalanceChanged', schema: WalletBalanceChangedV1, latestVersion: 1 })
    .register({ type: 'OwedSettled', schema: OwedSettledV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeCapReached', schema: AutoRechargeCapReachedV1, latestVersion: 1 })
    .register({ type: 'CallCharged', schema: CallChargedV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeSucceeded', schema: AutoRechargeSucceededV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeFailed', schema: AutoRechargeFailedV1, latestVersion: 1 })
    .register({ type: 'BalanceReachedZero', schema: BalanceReachedZeroV1, latestVersion: 1 })
    .register({ type: 'CallSettlementMissing', schema: CallSettlementMissingV1, latestVersion: 1 });
}

/** What the reporting service reads of `toll-free.events`. */
export function tollFreeReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.tollFree)
    .register({ type: 'TollFreeNumbersSuspended', schema: TollFreeNumbersSuspendedV1, latestVersion: 1 })
    .register({ type: 'TollFreeNumbersResumed', schema: TollFreeNumbersResumedV1, latestVersion: 1 });
}

/**
 * What the reporting service reads of `licensing.events`: the capability of calls that need
 * funding, the destination of the calls licensing screened itself; the rest for the tenant directory.
 */
export function licensingReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.licensing)
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 })
    .register({ type: 'CallScreened', schema: CallScreenedV1, latestVersion: 1 });
}
