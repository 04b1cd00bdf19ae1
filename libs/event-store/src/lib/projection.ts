import { RecordedEvent } from './events';
import { SqlClient } from './sql';

/**
 * A read model fed by events. Inline projections run in the transaction of the append; every
 * projection is disposable: `rebuildProjections` truncates its tables and replays the store.
 * `apply` gets events in order and should write them in as few statements as it can.
 */
export interface Projection {
  readonly name: string;
  /** Event types it reads. */
  readonly handles: readonly string[];
  /** Tables it owns; emptied before a rebuild. */
  readonly tables: readonly string[];
  apply(sql: SqlClient, events: RecordedEvent[]): Promise<void>;
}

/** The data type of the event `Type` of a union of domain events. */
export type DataOf<E extends { type: string; data: unknown }, Type extends E['type']> = Extract<E, { type: Type }>['data'];

/** Typed access to a stored event's data, for projections that filtered on its type. */
export function dataOf<Data>(event: RecordedEvent): Data {
  return event.data as unknown as Data;
}
