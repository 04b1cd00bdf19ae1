import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { ServiceDefinition } from '@comms-credits/platform';
import { CreditWalletModule } from './credit-wallet.module';

const telephony = telephonySchemas();

/** The credit-wallet service: what it owns, consumes, projects and publishes. */
export const creditWalletService: ServiceDefinition = {
  name: 'credit-wallet',
  title: 'comms-credits: Credit wallet',
  description: 'Billed communications credits: funding lots, holds, charges, auto-recharge, rate card; admission stage 4.',
  defaultPort: 3004,
  module: CreditWalletModule,
  migrations: [EventStore1764000000000, CallLog1764000000100],
  projections: [callLogProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
  },
  // Published on CreditWalletEvents and calls.decisions as the service's own events are added.
  route: () => null,
};
