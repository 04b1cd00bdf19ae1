import { Logger } from '@nestjs/common';
import {
  GlobalCheckpoint,
  RecordedEvent,
  Transactions,
  readAll,
  readCheckpoint,
  sqlClientOf,
  storeCheckpoint,
} from '@comms-credits/event-store';
import type { DataSource, QueryRunner } from 'typeorm';
import { errorMessage } from './errors';
import { MessagePublisher, OutgoingMessage } from './publisher';

/** Decides where (if anywhere) a stored event is published. */
export type EventRouter = (event: RecordedEvent) => string | null;

/**
 * The usual router: each topic lists the stored event types published on it, under their own
 * (contract) names; every other type stays inside the service.
 */
export function routeByType(published: Record<string, readonly string[]>): (event: Pick<RecordedEvent, 'type'>) => string | null {
  const topicOf = new Map<string, string>();
  for (const [topic, types] of Object.entries(published)) {
    for (const type of types) {
      if (topicOf.has(type)) throw new Error(`event type ${type} is routed to two topics`);
      topicOf.set(type, topic);
    }
  }
  return (event) => topicOf.get(event.type) ?? null;
}

export interface OutboxRelayOptions {
  /** Checkpoint name; also names the advisory lock that keeps one relay per database. */
  name?: string;
  route: EventRouter;
  batchSize?: number;
  idlePollMs?: number;
}

/**
 * The event store is the outbox: the relay walks its global order from a checkpoint, publishes
 * the events `route` names a topic for (keyed by tenant, through the idempotent producer),
 * and only then moves the checkpoint. A crash between the two republishes a tail, which the
 * consumers' inboxes ignore; nothing is lost and no effect happens twice. One relay runs per
 * database at a time (a session advisory lock); others wait to take over.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly name: string;
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lockRunner?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.name = options.name ?? 'outbox';
    this.batchSize = options.batchSize ?? 1_000;
    this.idlePollMs = options.idlePollMs ?? 50;
    this.logger = new Logger(`relay:${this.name}`);
  }

  start(): void {
    this.stopping = false;
    this.loop ??= this.run().catch((error) => this.logger.error({ msg: 'relay stopped', error: errorMessage(error) }));
  }

  /** Wakes the relay now (e.g. after a commit) instead of at its next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Publishes everything committed so far; for tests and shutdown. Returns how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.relayOnce();
      total += published.count;
      if (!published.more) return total;
    }
  }

  private async run(): Promise<void> {
    await this.acquireLeadership();
    try {
      while (!this.stopping) {
        try {
          const { more } = await this.relayOnce();
          if (!more) await this.idle(this.idlePollMs);
        } catch (error) {
          this.logger.warn({ msg: 'relay failed, retrying', error: errorMessage(error) });
          await this.idle(1_000);
        }
      }
    } finally {
      await this.releaseLeadership();
    }
  }

  private async relayOnce(): Promise<{ count: number; more: boolean }> {
    const transactions = new Transactions(this.dataSource);
    const after: GlobalCheckpoint = await transactions.run((sql) => readCheckpoint(sql, this.name));
    const { events, last } = await transactions.run((sql) => readAll(sql, after, this.batchSize));
    if (events.length === 0) return { count: 0, more: false };
    const messages: OutgoingMessage[] = [];
    for (const event of events) {
      const topic = this.options.route(event);
      if (topic) messages.push(toMessage(topic, event));
    }
    await this.publisher.publish(messages);
    await transactions.run((sql) => storeCheckpoint(sql, this.name, last));
    return { count: messages.length, more: events.length === this.batchSize };
  }

  private async acquireLeadership(): Promise<void> {
    this.lockRunner = this.dataSource.createQueryRunner();
    await this.lockRunner.connect();
    const sql = sqlClientOf(this.lockRunner);
    while (!this.stopping) {
      const { rows } = await sql.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext('outbox-relay:' || $1)) AS locked`,
        [this.name],
      );
      if (rows[0]?.locked) return;
      await this.idle(1_000);
    }
  }

  private async releaseLeadership(): Promise<void> {
    if (!this.lockRunner) return;
    await this.lockRunner
      .query(`SELECT pg_advisory_unlock(hashtext('outbox-relay:' || $1))`, [this.name])
      .catch(() => undefined);
    await this.lockRunner.release();
    this.lockRunner = undefined;
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** A stored event as the envelope of the contract: envelope fields first, then its data. */
export function toEnvelope(event: RecordedEvent): Record<string, unknown> {
  const { correlationId, causationId } = event.metadata;
  return {
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    occurredAt: event.occurredAt.toISOString(),
    tenantId: event.tenantId,
    ...(correlationId ? { correlationId } : {}),
    ...(causationId ? { causationId } : {}),
    ...event.data,
  };
}

export function toMessage(topic: string, event: RecordedEvent): OutgoingMessage {
  return {
    topic,
    key: event.tenantId,
    value: JSON.stringify(toEnvelope(event)),
    headers: { 'content-type': 'application/json', 'event-type': event.type, 'event-id': event.eventId },
  };
}
