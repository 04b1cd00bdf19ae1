import { CallClearedV2, CallEntitledV1 } from './admission';
import { CallHandedToWalletV1, PoolOverflowHandedToWalletV1, PoolUsageThresholdReachedV1, TollFreeCallRoutedV1, WalletBalanceChangedV1 } from './funding';
import { LicenseAssignedV1, LicenseUnassignedV1, SubscriptionSeatsChangedV1, UserUpsertedV1 } from './licensing';
import { CallChargedV1 } from './reporting';
import { SchemaRegistry } from './schema-registry';

/** Schemas of `licensing.events`. */
export function licensingSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'UserUpserted', schema: UserUpsertedV1, latestVersion: 1 })
    .register({ type: 'SubscriptionSeatsChanged', schema: SubscriptionSeatsChangedV1, latestVersion: 1 })
    .register({ type: 'LicenseAssigned', schema: LicenseAssignedV1, latestVersion: 1 })
    .register({ type: 'LicenseUnassigned', schema: LicenseUnassignedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 });
}

/** Schemas of `dialout-policy.events`. A v1 `CallCleared` is a v2 whose facts are all known. */
export function dialoutPolicySchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true }).register({
    type: 'CallCleared',
    schema: CallClearedV2,
    latestVersion: 2,
    // Version 1 always carries both facts: a null there stays a schema violation after upcasting.
    upcasters: { 1: (v1) => ({ ...v1, usageLocation: v1['usageLocation'] ?? undefined, domestic: v1['domestic'] ?? undefined }) },
  });
}

/** Schemas of `pool-ledger.events`. */
export function poolLedgerSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'CallHandedToWallet', schema: CallHandedToWalletV1, latestVersion: 1 })
    .register({ type: 'PoolOverflowHandedToWallet', schema: PoolOverflowHandedToWalletV1, latestVersion: 1 })
    .register({ type: 'PoolUsageThresholdReached', schema: PoolUsageThresholdReachedV1, latestVersion: 1 });
}

/** Schemas of `toll-free.events` that other services consume. */
export function tollFreeSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true }).register({ type: 'TollFreeCallRouted', schema: TollFreeCallRoutedV1, latestVersion: 1 });
}

/** Schemas of `credit-wallet.events` that other services consume (toll-free: the balance, and the charges of the calls it routed). */
export function creditWalletSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'WalletBalanceChanged', schema: WalletBalanceChangedV1, latestVersion: 1 })
    .register({ type: 'CallCharged', schema: CallChargedV1, latestVersion: 1 });
}
