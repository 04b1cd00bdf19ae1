import { Decider, DomainEvent, Result, fold } from '@comms-credits/domain-kit';
import { EventMetadata, EventStore, NewEvent, ReadStreamResult, SqlClient, StreamTarget } from '@comms-credits/event-store';

type AnyDecider = Decider<never, DomainEvent<string, unknown>, unknown>;

interface Pending {
  target: StreamTarget;
  version: number;
  events: NewEvent[];
}

export interface DecideOptions<Event> {
  metadata?: EventMetadata;
  /** The schema version an event is stored (and published) under; 1 unless it says otherwise. */
  versionOf?: (event: Event) => number;
}

/**
 * Decisions of several deciders on several streams of one transaction, made on what was read
 * and appended in ONE statement, each stream at the version it was read at. Like
 * `decideAndAppendBatch`, for a stage whose decision moves two streams together: a call that
 * waits for its user's usage location is recorded on the call's stream and on the user's, so
 * that the usage location committed meanwhile by another transaction makes this one fail
 * with a version conflict (and the consumer retry it) instead of leaving the call waiting.
 *
 * Each stream is folded by one decider; several commands on one stream see each other's events.
 */
export class StreamBatch {
  private readonly loaded = new Map<string, ReadStreamResult>();
  private readonly states = new Map<string, { decider: AnyDecider; state: unknown }>();
  private readonly pending = new Map<string, Pending>();
  private appended = false;

  constructor(private readonly store: EventStore) {}

  /** Reads the streams not read yet, in one round trip. */
  async read(sql: SqlClient, streamIds: Iterable<string>): Promise<this> {
    const missing = [...new Set(streamIds)].filter((id) => !this.loaded.has(id));
    if (missing.length === 0) return this;
    for (const [id, stream] of await this.store.readStreams(sql, missing)) this.loaded.set(id, stream);
    return this;
  }

  /** The stream's state as `decider` folds it, with the events decided in this batch. */
  state<Command, Event extends DomainEvent<string, unknown>, State>(streamId: string, decider: Decider<Command, Event, State>): State {
    const known = this.states.get(streamId);
    if (known) {
      if (known.decider !== (decider as unknown as AnyDecider)) throw new Error(`stream ${streamId} is folded by another decider in this batch`);
      return known.state as State;
    }
    const stream = this.loaded.get(streamId);
    if (!stream) throw new Error(`stream ${streamId} was not read in this batch`);
    const state = fold(decider.evolve, decider.initialState(), stream.events as unknown as Event[]);
    this.states.set(streamId, { decider: decider as unknown as AnyDecider, state });
    return state;
  }

  /** Decides on the stream's state and keeps the events for `append`. */
  decide<Command, Event extends DomainEvent<string, unknown>, State>(
    target: StreamTarget,
    decider: Decider<Command, Event, State>,
    command: Command,
    options: DecideOptions<Event> = {},
  ): Result<Event[]> {
    if (this.appended) throw new Error('a StreamBatch appends once: decide everything first');
    const state = this.state(target.streamId, decider);
    const decision = decider.decide(command, state);
    if (!decision.ok || decision.value.length === 0) return decision;

    const entry = this.pending.get(target.streamId) ?? { target, version: this.loaded.get(target.streamId)!.currentVersion, events: [] };
    for (const event of decision.value) {
      entry.events.push({
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: options.metadata,
        version: options.versionOf?.(event) ?? 1,
      });
    }
    this.pending.set(target.streamId, entry);
    this.states.set(target.streamId, { decider: decider as unknown as AnyDecider, state: decision.value.reduce(decider.evolve, state) });
    return decision;
  }

  /** Appends everything decided, every stream at the version it was read at (a conflict throws). Once. */
  async append(sql: SqlClient): Promise<void> {
    this.appended = true;
    if (this.pending.size === 0) return;
    await this.store.append(
      sql,
      [...this.pending.values()].map(({ target, version, events }) => ({ ...target, expectedVersion: version === 0 ? 'no_stream' : version, events })),
    );
  }
}
