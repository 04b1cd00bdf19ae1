import { dialoutPoliciesProjection } from '@comms-credits/dialout-replica';
import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, dialoutPolicySchemas, poolLedgerSchemas, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { routeByType } from '@comms-credits/messaging';
import { ServiceDefinition } from '@comms-credits/platform';
import { LicensingModule } from './licensing.module';
import { LicensingReadModels1764000000300 } from './migrations/1764000000300-licensing-read-models';
import { LicensingUserVersion1764000000301 } from './migrations/1764000000301-licensing-user-version';
import { DropLicensingCalls1764000000302 } from './migrations/1764000000302-drop-licensing-calls';
import { LicensingDialoutPolicies1764000000303 } from './migrations/1764000000303-licensing-dialout-policies';
import { LicensingUsersRestated1764000000304 } from './migrations/1764000000304-licensing-users-restated';
import { restatedTenantsProjection, subscriptionsProjection, usersProjection } from './projections/licensing.projections';

const telephony = telephonySchemas();

/**
 * Public facts of licensing (its tenants' users restated among them), the calls it hands on to
 * the pool, the calls it screened or referred to the dial-out policy service; its decisions (a dial-out policy refusal made here among them).
 */
export const routeLicensingEvent = routeByType({
  [Topics.LicensingEvents]: [
    'UserUpserted',
    'SubscriptionSeatsChanged',
    'LicenseAssigned',
    'LicenseUnassigned',
    'CallEntitled',
    'CallScreened',
    'CallReferred',
    'LicensedUsersRestated',
  ],
  [Topics.CallDecisions]: ['CallAdmitted', 'CallRejected'],
});

/** The licensing service: what it owns, consumes, projects and publishes. */
export const licensingService: ServiceDefinition = {
  name: 'licensing',
  title: 'comms-credits: Licensing',
  description:
    'Users, usage locations, seats and licence assignments; admission stages 1 (for the tenants whose dial-out policies it has learned) and 2 (entitlements) of the outbound calls the pool refers to it.',
  defaultPort: 3001,
  module: LicensingModule,
  migrations: [
    EventStore1764000000000,
    CallLog1764000000100,
    LicensingReadModels1764000000300,
    LicensingUserVersion1764000000301,
    DropLicensingCalls1764000000302,
    LicensingDialoutPolicies1764000000303,
    LicensingUsersRestated1764000000304,
  ],
  projections: [callLogProjection, usersProjection, subscriptionsProjection, dialoutPoliciesProjection('licensing'), restatedTenantsProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    // Cleared calls (stage 2) and the policy grants and restatements (the replica).
    [Topics.DialoutPolicyEvents]: dialoutPolicySchemas(),
    // The outbound calls the pool did not decide in one hop (stages 1 and 2 here, or on to dialout-policy).
    [Topics.PoolLedgerEvents]: poolLedgerSchemas().only('CallReferred'),
  },
  route: routeLicensingEvent,
};
