import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { LicensingModule } from './licensing.module';

const telephony = telephonySchemas();

/** The licensing service: what it owns, consumes, projects and publishes. */
export const licensingService: ServiceDefinition = {
  name: 'licensing',
  title: 'comms-credits: Licensing',
  description: 'Users, usage locations, seats and licence assignments; admission stage 2 (entitlements).',
  defaultPort: 3001,
  module: LicensingModule,
  migrations: [EventStore1764000000000, CallLog1764000000100],
  projections: [callLogProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
  },
  // Published on LicensingEvents and calls.decisions as the service's own events are added.
  route: () => null,
};
