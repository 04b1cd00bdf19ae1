import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, dialoutPolicySchemas, licensingSchemas, telephonySchemas } from '@comms-credits/contracts';
import { dialoutPoliciesProjection } from '@comms-credits/dialout-replica';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { routeByType } from '@comms-credits/messaging';
import { ServiceDefinition } from '@comms-credits/platform';
import { PoolReadModels1764000000400 } from './migrations/1764000000400-pool-read-models';
import { PoolReservations1764000000410 } from './migrations/1764000000410-pool-reservations';
import { PoolMonthSnapshots1764000000420 } from './migrations/1764000000420-pool-month-snapshots';
import { PoolCallers1764000000430 } from './migrations/1764000000430-pool-callers';
import { PoolDialoutPolicies1764000000440 } from './migrations/1764000000440-pool-dialout-policies';
import { poolMonthSnapshotProjection } from './application/pool-months';
import { PoolLedgerConfig } from './pool-ledger.config';
import { PoolLedgerModule } from './pool-ledger.module';
import { callersProjection, poolCallsProjection, poolCapacityProjection, poolMonthsProjection } from './projections/pool.projections';

const telephony = telephonySchemas();
/**
 * Hand-overs to the wallet, usage notifications, settlement anomalies and each call's settlement
 * (`PoolCallSettled`, for the reporting service's usage rows); the month's reservations, debits
 * and expiries (used, reserved, capacity: the reporting service's tenant directory); what it
 * screened and entitled in one hop, and the calls it referred to licensing; the pool's decisions
 * (in one hop, a calling-plan admission or a refusal too).
 */
export const routePoolLedgerEvent = routeByType({
  [Topics.PoolLedgerEvents]: [
    'CallHandedToWallet',
    'PoolOverflowHandedToWallet',
    'PoolUsageThresholdReached',
    'PoolSettlementMissing',
    'CallDurationExceededGrant',
    'PoolCallSettled',
    'PoolMinutesReserved',
    'PoolMinutesDebited',
    'PoolReservationExpired',
    'CallScreened',
    'CallEntitled',
    'CallReferred',
  ],
  [Topics.CallDecisions]: ['CallAdmitted', 'CallRejected'],
});

/** The pool-ledger service: what it owns, consumes, projects and publishes. */
export const poolLedgerService: ServiceDefinition = {
  name: 'pool-ledger',
  title: 'comms-credits: Pool ledger',
  description:
    "The tenant's monthly pool of dial-out minutes; admission stage 3 and settlement of pool-funded calls; the front door of outbound calls, decided in one hop when the tenant's users and policies are known here.",
  defaultPort: 3003,
  configSchema: PoolLedgerConfig,
  module: PoolLedgerModule,
  migrations: [
    EventStore1764000000000,
    CallLog1764000000100,
    PoolReadModels1764000000400,
    PoolReservations1764000000410,
    PoolMonthSnapshots1764000000420,
    PoolCallers1764000000430,
    PoolDialoutPolicies1764000000440,
  ],
  projections: [
    callLogProjection,
    poolCapacityProjection,
    poolMonthsProjection,
    poolCallsProjection,
    poolMonthSnapshotProjection,
    callersProjection,
    dialoutPoliciesProjection('pool'),
  ],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    // Stage 2's hand-over, the pool's capacity (seats, Select dial-out licences), and the users
    // (usage locations, licences, restatements) the one-hop admission's replica learns.
    [Topics.LicensingEvents]: licensingSchemas().only(
      'CallEntitled',
      'SubscriptionSeatsChanged',
      'LicenseAssigned',
      'LicenseUnassigned',
      'UserUpserted',
      'LicensedUsersRestated',
    ),
    // The dial-out policy grants and restatements, the replica the one-hop admission will screen by.
    [Topics.DialoutPolicyEvents]: dialoutPolicySchemas().only('GlobalPolicyGranted', 'UserPolicyGranted', 'DialoutPoliciesRestated'),
  },
  route: routePoolLedgerEvent,
};
