import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { TollFreeModule } from './toll-free.module';

const telephony = telephonySchemas();

/** The toll-free service: what it owns, consumes, projects and publishes. */
export const tollFreeService: ServiceDefinition = {
  name: 'toll-free',
  title: 'comms-credits: Toll-free',
  description: 'Toll-free number inventory, assignments and suspension; admission of inbound calls.',
  defaultPort: 3005,
  module: TollFreeModule,
  migrations: [EventStore1764000000000, CallLog1764000000100],
  projections: [callLogProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
  },
  // Published on TollFreeEvents and calls.decisions as the service's own events are added.
  route: () => null,
};
