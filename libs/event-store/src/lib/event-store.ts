import { randomUUID } from 'node:crypto';
import { currentActor } from './actor-context';
import { StreamAppend, appendToStreams } from './append-to-stream';
import { EventMetadata, RecordedEvent } from './events';
import { Projection } from './projection';
import { readStream, readStreams } from './read-stream';
import { SqlClient } from './sql';

/**
 * One service's event store. Appends run the inline projections in the same transaction, so a
 * read model is never behind or ahead of the events it is built from.
 */
export class EventStore {
  constructor(private readonly projections: readonly Projection[] = []) {}

  readStream = readStream;
  readStreams = readStreams;

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
    const results = await appendToStreams(sql, prepared);
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
    await this.project(sql, recorded);
    return recorded;
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
