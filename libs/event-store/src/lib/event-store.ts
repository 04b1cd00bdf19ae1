import { randomUUID } from 'node:crypto';
import { currentActor } from './actor-context';
import { StreamAppend, appendToStreams, appendsMadeThrough } from './append-to-stream';
import { EventMetadata, RecordedEvent, expectedVersionNumber } from './events';
import { Projection } from './projection';
import { ReadStreamResult, readStream, readStreams } from './read-stream';
import { SqlClient } from './sql';

/**
 * One service's event store. Appends run the inline projections in the same transaction, so a
 * read model is never behind or ahead of the events it is built from.
 */
export class EventStore {
  constructor(private readonly projections: readonly Projection[] = []) {}

  /**
   * Per transaction (its `SqlClient`, one per transaction: Transactions.run): the streams it
   * read, and those it then appended to, as they stand after its append. A stream this
   * transaction appended to is locked until it commits (the append updates its `es_streams`
   * row), so the second map holds what a read would return (but `transactionId`, left empty)
   * and `readStreams` answers from it: the handlers of one chunk that each read, decide and
   * append on the same call streams (the call log, then the service's stage) read them once.
   * The memory is dropped when an append fails or another append went through the client
   * without this store (`appendsMadeThrough`). What it returns is shared: read-only.
   */
  private readonly readIn = new WeakMap<SqlClient, Map<string, ReadStreamResult>>();
  private readonly ownedBy = new WeakMap<SqlClient, { appends: number; streams: Map<string, ReadStreamResult> }>();

  readStream = readStream;

  /** Reads many streams in one round trip; those this transaction appended to after reading them come from memory. */
  async readStreams(sql: SqlClient, streamIds: string[]): Promise<Map<string, ReadStreamResult>> {
    const owned = this.ownedStreams(sql);
    const unread = owned ? streamIds.filter((id) => !owned.has(id)) : streamIds;
    const read = await readStreams(sql, unread);
    const seen = this.readIn.get(sql) ?? new Map<string, ReadStreamResult>();
    for (const [id, stream] of read) seen.set(id, stream);
    this.readIn.set(sql, seen);
    return owned ? new Map(streamIds.map((id) => [id, owned.get(id) ?? read.get(id)!])) : read;
  }

  /**
   * Appends and projects. Events appended on behalf of a person (a request, see `runAsActor`)
   * record them as `metadata.actor` unless the caller set one.
   */
  async append(sql: SqlClient, appends: StreamAppend[]): Promise<RecordedEvent[]> {
    const actor = currentActor();
    const withActor = (metadata: EventMetadata | undefined): EventMetadata | undefined =>
      actor && metadata?.['actor'] === undefined ? { ...metadata, actor: { sub: actor.sub, roles: [...actor.roles] } } : metadata;
    const prepared = appends.map((a) => ({
      ...a,
      events: a.events.map((e) => ({
        ...e,
        metadata: withActor(e.metadata),
        eventId: e.eventId ?? randomUUID(),
        occurredAt: e.occurredAt ?? new Date(),
      })),
    }));
    const owned = this.ownedStreams(sql);
    let results;
    try {
      results = await appendToStreams(sql, prepared);
    } catch (error) {
      this.forget(sql); // a conflict may have moved some streams and not others
      throw error;
    }
    const recorded: RecordedEvent[] = [];
    prepared
      .filter((a) => a.events.length > 0)
      .forEach((append, i) => {
        const result = results[i]!;
        const first = result.nextExpectedVersion - append.events.length + 1;
        append.events.forEach((event, j) =>
          recorded.push({
            eventId: event.eventId,
            type: event.type,
            version: event.version ?? 1,
            data: event.data,
            metadata: event.metadata ?? {},
            streamId: append.streamId,
            streamType: append.streamType,
            tenantId: append.tenantId,
            streamPosition: first + j,
            globalPosition: result.globalPositions[j]!,
            transactionId: '',
            occurredAt: event.occurredAt,
          }),
        );
      });
    this.remember(sql, owned ?? new Map(), prepared, recorded);
    await this.project(sql, recorded);
    return recorded;
  }

  /** The streams this transaction appended to after reading them, unless an append went through the client without this store since. */
  private ownedStreams(sql: SqlClient): Map<string, ReadStreamResult> | undefined {
    const owned = this.ownedBy.get(sql);
    if (owned && owned.appends === appendsMadeThrough(sql)) return owned.streams;
    if (owned) this.forget(sql);
    return undefined;
  }

  private forget(sql: SqlClient): void {
    this.ownedBy.delete(sql);
    this.readIn.delete(sql);
  }

  /** A stream read in this transaction and appended to where it stood when read: what a read would now return. */
  private remember(sql: SqlClient, owned: Map<string, ReadStreamResult>, appends: StreamAppend[], recorded: RecordedEvent[]): void {
    const seen = this.readIn.get(sql);
    if (!seen) return;
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of recorded) {
      const events = byStream.get(event.streamId) ?? [];
      events.push(event);
      byStream.set(event.streamId, events);
    }
    for (const append of appends) {
      if (append.events.length === 0) continue;
      const before = owned.get(append.streamId) ?? seen.get(append.streamId);
      if (!before || expectedVersionNumber(append.expectedVersion) !== before.currentVersion) {
        owned.delete(append.streamId);
        continue;
      }
      // As the database returns them: data and metadata through JSON, as jsonb stores them.
      const added = (byStream.get(append.streamId) ?? []).map((e) => ({
        ...e,
        data: jsonCopy(e.data),
        metadata: jsonCopy(e.metadata),
        occurredAt: new Date(e.occurredAt),
      }));
      owned.set(append.streamId, { currentVersion: before.currentVersion + added.length, events: [...before.events, ...added] });
    }
    this.ownedBy.set(sql, { appends: appendsMadeThrough(sql), streams: owned });
  }

  async project(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const projection of this.projections) {
      const relevant = events.filter((e) => projection.handles.includes(e.type));
      if (relevant.length > 0) await projection.apply(sql, relevant);
    }
  }

  projectionList(): readonly Projection[] {
    return this.projections;
  }
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
