import { Topics } from '@comms-credits/contracts';
import { routeByType } from '@comms-credits/messaging';
import { CallScreeningEvent } from './domain/call-screening.decider';

/**
 * Stage 1's decisions are stored under the contract's type names and published as they are:
 * a cleared call goes on to licensing, a rejection is the call's one decision. Policy grants,
 * learned usage locations and the call log stay inside the service.
 */
export const routeDialoutPolicyEvent = routeByType({
  [Topics.DialoutPolicyEvents]: ['CallCleared'] satisfies CallScreeningEvent['type'][],
  [Topics.CallDecisions]: ['CallRejected'] satisfies CallScreeningEvent['type'][],
});
