import { Decider, DomainError, DomainEvent, Result, fold, ok } from '@comms-credits/domain-kit';
import { VersionConflictError } from './errors';
import { EventMetadata, RecordedEvent } from './events';
import { EventStore } from './event-store';
import { ReadStreamResult } from './read-stream';
import { SqlClient } from './sql';
import { Transactions } from './transactions';

export interface StreamTarget {
  streamId: string;
  streamType: string;
  tenantId: string;
}

export interface Handled<State> {
  state: State;
  events: RecordedEvent[];
  /** The stream's version after the command (the ETag of the aggregate). */
  version: number;
}

export interface CommandOptions {
  metadata?: EventMetadata;
  /** Deterministic ids for the events, e.g. derived from the causing message: a retry then cannot append twice. */
  eventIds?: (index: number) => string;
  /** Refuse unless the stream is at this version (If-Match). */
  expectedVersion?: number;
}

/**
 * Load the stream, fold it with `evolve`, `decide`, append with the expected version and run
 * the inline projections, all in the caller's transaction. One attempt: a version conflict
 * throws, and the caller's transaction must be rolled back.
 */
export async function decideAndAppend<Command, Event extends DomainEvent<string, unknown>, State>(
  sql: SqlClient,
  store: EventStore,
  target: StreamTarget,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: CommandOptions = {},
): Promise<Result<Handled<State>, DomainError>> {
  const stream = await store.readStream(sql, target.streamId);
  if (options.expectedVersion !== undefined && options.expectedVersion !== stream.currentVersion) {
    throw new VersionConflictError([target.streamId], String(options.expectedVersion));
  }
  const state = fold(decider.evolve, decider.initialState(), stream.events as unknown as Event[]);
  const decision = decider.decide(command, state);
  if (!decision.ok) return decision;
  if (decision.value.length === 0) return ok({ state, events: [], version: stream.currentVersion });

  const events = await store.append(sql, [
    {
      ...target,
      expectedVersion: stream.currentVersion === 0 ? 'no_stream' : stream.currentVersion,
      events: decision.value.map((event, i) => ({
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: options.metadata,
        eventId: options.eventIds?.(i),
      })),
    },
  ]);
  const next = decision.value.reduce(decider.evolve, state);
  return ok({ state: next, events, version: stream.currentVersion + events.length });
}

/**
 * A command in its own transaction, retried on a version conflict only (another writer got
 * there first: load again and decide again). Other errors propagate.
 */
export async function handleCommand<Command, Event extends DomainEvent<string, unknown>, State>(
  transactions: Transactions,
  store: EventStore,
  target: StreamTarget,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: CommandOptions & { maxAttempts?: number } = {},
): Promise<Result<Handled<State>, DomainError>> {
  const work = () => transactions.run((sql) => decideAndAppend(sql, store, target, decider, command, options));
  // With If-Match the caller asked for that exact version: a conflict is the answer, not a retry.
  return options.expectedVersion === undefined ? retryOnVersionConflict(work, options.maxAttempts) : work();
}

/**
 * Runs `work` (a whole transaction) again when it fails on a version conflict, up to
 * `maxAttempts` times. For commands that must read more than their stream in the same
 * transaction (e.g. lock a read-model row) before deciding.
 */
export async function retryOnVersionConflict<T>(work: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= maxAttempts) throw error;
    }
  }
}

export interface BatchItem<Command> {
  target: StreamTarget;
  command: Command;
  options?: Pick<CommandOptions, 'metadata' | 'eventIds'>;
}

/**
 * `decideAndAppend` for many commands in one transaction and a constant number of round trips:
 * read every stream at once, decide each command in order (several commands on one stream see
 * each other's events), then append all streams in one statement and project once. A version
 * conflict throws (the whole batch is retried by the consumer). `read`: the streams as the
 * caller already read them in this transaction (and has not appended to since), to save the
 * read; a stream missing from it is read.
 */
export async function decideAndAppendBatch<Command, Event extends DomainEvent<string, unknown>, State>(
  sql: SqlClient,
  store: EventStore,
  decider: Decider<Command, Event, State>,
  items: BatchItem<Command>[],
  read?: ReadonlyMap<string, ReadStreamResult>,
): Promise<Result<Event[], DomainError>[]> {
  const streamIds = [...new Set(items.map((i) => i.target.streamId))];
  const unread = streamIds.filter((id) => !read?.has(id));
  const loaded = new Map(read ?? []);
  if (unread.length > 0) for (const [id, stream] of await store.readStreams(sql, unread)) loaded.set(id, stream);
  const states = new Map<string, State>();
  const pending = new Map<string, { target: StreamTarget; version: number; events: NewEventOf[] }>();
  const results: Result<Event[], DomainError>[] = [];

  for (const item of items) {
    const { streamId } = item.target;
    const stream = loaded.get(streamId)!;
    let state = states.get(streamId);
    if (state === undefined) state = fold(decider.evolve, decider.initialState(), stream.events as unknown as Event[]);
    const decision = decider.decide(item.command, state);
    results.push(decision);
    if (decision.ok && decision.value.length > 0) {
      const entry = pending.get(streamId) ?? { target: item.target, version: stream.currentVersion, events: [] };
      decision.value.forEach((event, i) =>
        entry.events.push({
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: item.options?.metadata,
          eventId: item.options?.eventIds?.(i),
        }),
      );
      pending.set(streamId, entry);
      state = decision.value.reduce(decider.evolve, state);
    }
    states.set(streamId, state);
  }

  if (pending.size > 0) {
    await store.append(
      sql,
      [...pending.values()].map(({ target, version, events }) => ({
        ...target,
        expectedVersion: version === 0 ? 'no_stream' : version,
        events,
      })),
    );
  }
  return results;
}

type NewEventOf = { type: string; data: Record<string, unknown>; metadata?: EventMetadata; eventId?: string };
