import { CallClearedV1, CallEntitledV1 } from './admission';
import { LicenseAssignedV1, LicenseUnassignedV1, SubscriptionSeatsChangedV1, UserUpsertedV1 } from './licensing';
import { SchemaRegistry } from './schema-registry';

/** Schemas of `licensing.events`. */
export function licensingSchemas(): SchemaRegistry {
  return new SchemaRegistry()
    .register({ type: 'UserUpserted', schema: UserUpsertedV1, latestVersion: 1 })
    .register({ type: 'SubscriptionSeatsChanged', schema: SubscriptionSeatsChangedV1, latestVersion: 1 })
    .register({ type: 'LicenseAssigned', schema: LicenseAssignedV1, latestVersion: 1 })
    .register({ type: 'LicenseUnassigned', schema: LicenseUnassignedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 });
}

/** Schemas of `dialout-policy.events`. */
export function dialoutPolicySchemas(): SchemaRegistry {
  return new SchemaRegistry().register({ type: 'CallCleared', schema: CallClearedV1, latestVersion: 1 });
}
