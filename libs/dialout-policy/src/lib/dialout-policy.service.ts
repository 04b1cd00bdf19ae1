import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, licensingSchemas, poolLedgerSchemas, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { routeByType } from '@comms-credits/messaging';
import { ServiceDefinition } from '@comms-credits/platform';
import { DialoutPolicyConfig } from './dialout-policy.config';
import { DialoutPolicyModule } from './dialout-policy.module';
import { CallScreeningEvent } from './domain/call-screening.decider';
import { DialoutTenantEvent } from './domain/dialout-tenant.decider';
import { DialoutUserEvent } from './domain/dialout-user.decider';
import { DialoutPolicy1764000000200 } from './migrations/1764000000200-dialout-policy';
import { DialoutAwaitingCalls1764000000201 } from './migrations/1764000000201-dialout-awaiting-calls';
import { awaitingCallsProjection } from './projections/awaiting-calls.projection';
import { dialoutUserProjection } from './projections/dialout-user.projection';
import { policyCallsProjection } from './projections/policy-calls.projection';
import { tenantPolicyProjection } from './projections/tenant-policy.projection';

const telephony = telephonySchemas();

/**
 * Stage 1's decisions are stored under the contract's type names and published as they are:
 * a cleared call goes on to licensing, a rejection is the call's one decision. The policy
 * grants and restatements are published too (licensing screens by them in its own hop,
 * docs/architecture.md); learned usage locations, waiting calls, the verdicts licensing
 * reached and the call log stay inside the service.
 */
export const routeDialoutPolicyEvent = routeByType({
  [Topics.DialoutPolicyEvents]: ['CallCleared', 'GlobalPolicyGranted', 'UserPolicyGranted', 'DialoutPoliciesRestated'] satisfies (
    CallScreeningEvent['type'] | DialoutTenantEvent['type'] | DialoutUserEvent['type']
  )[],
  [Topics.CallDecisions]: ['CallRejected'] satisfies CallScreeningEvent['type'][],
});

/** The dialout-policy service: what it owns, consumes, projects and publishes. */
export const dialoutPolicyService: ServiceDefinition = {
  name: 'dialout-policy',
  title: 'comms-credits: Dial-out policy',
  description: 'Global and per-user dial-out policies; admission stage 1 (who may call where) for the calls licensing refers to it.',
  defaultPort: 3002,
  configSchema: DialoutPolicyConfig,
  module: DialoutPolicyModule,
  migrations: [EventStore1764000000000, CallLog1764000000100, DialoutPolicy1764000000200, DialoutAwaitingCalls1764000000201],
  projections: [callLogProjection, tenantPolicyProjection, dialoutUserProjection, policyCallsProjection, awaitingCallsProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    // Users' usage locations, the calls referred here and those licensing screened; the topic's
    // other types (a CallEntitled per call) are skipped.
    [Topics.LicensingEvents]: licensingSchemas().only('UserUpserted', 'CallReferred', 'CallScreened'),
    // The calls the pool screened in its own hop (the one-hop admission), for the count per policy.
    [Topics.PoolLedgerEvents]: poolLedgerSchemas().only('CallScreened'),
  },
  route: routeDialoutPolicyEvent,
};
