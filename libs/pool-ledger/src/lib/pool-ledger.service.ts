import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { PoolLedgerModule } from './pool-ledger.module';

const telephony = telephonySchemas();

/** The pool-ledger service: what it owns, consumes, projects and publishes. */
export const poolLedgerService: ServiceDefinition = {
  name: 'pool-ledger',
  title: 'comms-credits: Pool ledger',
  description: "The tenant's monthly pool of dial-out minutes; admission stage 3.",
  defaultPort: 3003,
  module: PoolLedgerModule,
  migrations: [EventStore1764000000000, CallLog1764000000100],
  projections: [callLogProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
  },
  // Published on PoolLedgerEvents and calls.decisions as the service's own events are added.
  route: () => null,
};
