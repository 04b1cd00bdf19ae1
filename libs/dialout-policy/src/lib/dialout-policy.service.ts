import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { DialoutPolicyModule } from './dialout-policy.module';

const telephony = telephonySchemas();

/** The dialout-policy service: what it owns, consumes, projects and publishes. */
export const dialoutPolicyService: ServiceDefinition = {
  name: 'dialout-policy',
  title: 'comms-credits: Dial-out policy',
  description: 'Global and per-user dial-out policies; admission stage 1 (who may call where).',
  defaultPort: 3002,
  module: DialoutPolicyModule,
  migrations: [EventStore1764000000000, CallLog1764000000100],
  projections: [callLogProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
  },
  // Published on DialoutPolicyEvents and calls.decisions as the service's own events are added.
  route: () => null,
};
