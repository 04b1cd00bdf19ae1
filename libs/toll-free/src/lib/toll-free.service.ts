import { CallLog1764000000100, callLogProjection } from '@comms-credits/call-log';
import { Topics, creditWalletSchemas, licensingSchemas, telephonySchemas } from '@comms-credits/contracts';
import { EventStore1764000000000 } from '@comms-credits/event-store';
import { routeByType } from '@comms-credits/messaging';
import { ServiceDefinition } from '@comms-credits/platform';
import { TollFreeReadModels1764000000600 } from './migrations/1764000000600-toll-free-read-models';
import { TollFreeIdempotency1764000000601 } from './migrations/1764000000601-toll-free-idempotency';
import { TollFreeChargedMinutes1764000000602 } from './migrations/1764000000602-toll-free-charged-minutes';
import { numbersProjection, routedCallsProjection, tenantsProjection } from './projections/toll-free.projections';
import { TollFreeModule } from './toll-free.module';

const telephony = telephonySchemas();

/** Public facts of toll-free and the calls it hands on to the wallet; its decisions. */
export const routeTollFreeEvent = routeByType({
  [Topics.TollFreeEvents]: [
    'TollFreeNumberAcquired',
    'TollFreeNumberReleased',
    'TollFreeNumberAssigned',
    'TollFreeNumbersSuspended',
    'TollFreeNumbersResumed',
    'TollFreeCallRouted',
  ],
  [Topics.CallDecisions]: ['CallAdmitted', 'CallRejected'],
});

/** The toll-free service: what it owns, consumes, projects and publishes. */
export const tollFreeService: ServiceDefinition = {
  name: 'toll-free',
  title: 'comms-credits: Toll-free',
  description: 'Toll-free number inventory, assignments and suspension; admission of inbound calls.',
  defaultPort: 3005,
  module: TollFreeModule,
  migrations: [
    EventStore1764000000000,
    CallLog1764000000100,
    TollFreeReadModels1764000000600,
    TollFreeIdempotency1764000000601,
    TollFreeChargedMinutes1764000000602,
  ],
  projections: [callLogProjection, numbersProjection, tenantsProjection, routedCallsProjection],
  consumes: {
    [Topics.CallStarted]: telephony,
    [Topics.CallEnded]: telephony,
    // Only what its handlers read: seats (the quota) and the wallet's balance and charges.
    [Topics.LicensingEvents]: licensingSchemas().only('SubscriptionSeatsChanged'),
    [Topics.CreditWalletEvents]: creditWalletSchemas().only('WalletBalanceChanged', 'CallCharged'),
  },
  route: routeTollFreeEvent,
};
