import { Topic, Topics } from '@comms-credits/contracts';
import { RecordedEvent } from '@comms-credits/event-store';
import { CallScreeningEvent } from './domain/call-screening.decider';

/**
 * Stage 1's decisions are stored under the contract's type names and published as they are:
 * a cleared call goes on to licensing, a rejection is the call's one decision. Policy grants,
 * learned usage locations and the call log stay inside the service.
 */
const TOPIC_OF: ReadonlyMap<string, Topic> = new Map<CallScreeningEvent['type'], Topic>([
  ['CallCleared', Topics.DialoutPolicyEvents],
  ['CallRejected', Topics.CallDecisions],
]);

export function routeDialoutPolicyEvent(event: Pick<RecordedEvent, 'type'>): Topic | null {
  return TOPIC_OF.get(event.type) ?? null;
}
