import { RecordedEvent } from '@comms-credits/event-store';

/**
 * The last of the events (given in order) for each key. A chunk or a rebuild page may hold
 * several events for one row, and one `INSERT … ON CONFLICT DO UPDATE` cannot touch a row
 * twice; the last event is the row's state anyway.
 */
export function latestPerKey(events: RecordedEvent[], key: (event: RecordedEvent) => string): RecordedEvent[] {
  return [...new Map(events.map((event) => [key(event), event])).values()];
}
