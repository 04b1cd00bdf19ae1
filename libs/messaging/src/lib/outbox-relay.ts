import type { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import {
  GlobalCheckpoint,
  RecordedEvent,
  SqlClient,
  StoredEventKind,
  Transactions,
  advanceCheckpoint,
  readAll,
  readCheckpoint,
  sqlClientOf,
} from '@comms-credits/event-store';
import type { DataSource, QueryRunner } from 'typeorm';
import { errorMessage } from './errors';
import { MessagePublisher, OutgoingMessage } from './publisher';
import { ComponentState, Supervised } from './supervision';

/**
 * Decides where (if anywhere) a stored event is published, from its type and stream type only:
 * the same decision is taken when the event is stored (see CommitNudgingTransactions).
 */
export type EventRouter = (event: StoredEventKind) => string | null;

/**
 * The usual router: each topic lists the stored event types published on it, under their own
 * (contract) names; every other type stays inside the service.
 */
export function routeByType(published: Record<string, readonly string[]>): (event: Pick<StoredEventKind, 'type'>) => string | null {
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
  /**
   * The poll when everything stored has been read (default 50 ms; 250 ms where commits nudge
   * it): the fallback for events this process did not commit (another instance, a tool).
   */
  idlePollMs?: number;
  /**
   * The poll while stored events are held back by the horizon (default 25 ms): an event
   * committed while an older transaction of this database is still in flight (see readAll)
   * becomes readable only when that one ends, and it may be one that stored nothing to publish
   * and so nudges nobody.
   */
  heldPollMs?: number;
  /**
   * A PostgreSQL notification channel the leader LISTENs on, on its lock session: each
   * notification is a nudge. Transactions that stored events to publish notify it in their own
   * transaction (CommitNudgingTransactions `notify`), so PostgreSQL delivers it at their commit,
   * whichever instance committed.
   */
  listen?: string;
  /**
   * How often the leader stores its checkpoint while events keep coming (default 1 s); it is
   * stored too by the first read that finds nothing more, and at stop. Each store is a write
   * transaction, in flight for a moment in every other relay's snapshot (see readAll).
   */
  checkpointIntervalMs?: number;
  /** How often a standby tries to take the lead (default 1 s). */
  standbyPollMs?: number;
  /** Back-off after a failed relay loop, doubled up to 30 s (default 1 s). */
  restartBackoffMs?: number;
  /** Called after each published batch: how long its oldest event waited since it was stored. */
  onPublished?: (count: number, oldestAgeSeconds: number) => void;
  /**
   * Called after a read that stopped at the horizon with events stored beyond it: an older
   * transaction of this database still in flight holds them back (a long one stops publishing).
   */
  onHeld?: () => void;
}

/** Thrown when this relay's advisory-lock session is gone: another relay may be leading now. */
export class LeadershipLostError extends Error {
  override readonly name = 'LeadershipLostError';
}

/**
 * The event store is the outbox: the relay walks its global order from a checkpoint, publishes
 * the events `route` names a topic for (keyed by tenant, through the idempotent producer),
 * and only then moves the checkpoint. A crash between the two republishes a tail, which the
 * consumers' inboxes ignore; nothing is lost and no effect happens twice.
 *
 * One relay leads per database: it holds a session advisory lock, and a standby keeps trying
 * to take it. Leadership is fenced by that session: the leader reads and advances the
 * checkpoint on the very connection that holds the lock, and stops publishing as soon as that
 * connection reports an error or ends (the lock went with it). The checkpoint only moves
 * forward, so a deposed leader finishing a publish can never take it back. A failed loop (the
 * database or the broker unreachable) starts over with back-off: standby first, then lead.
 */
export class OutboxRelay implements Supervised {
  readonly name: string;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private readonly heldPollMs: number;
  private readonly checkpointIntervalMs: number;
  private stopping = false;
  private loop?: Promise<void>;
  /** Ends whatever wait the loop is in (stop). */
  private wake?: () => void;
  /** Ends the leader's poll wait only (nudge): never a standby's wait, nor a back-off. */
  private wakeLeader?: () => void;
  /** A nudge came while the leader was reading or publishing: read again at once. */
  private nudged = false;
  private lockRunner?: QueryRunner;
  /** Set by the lock session's connection when it fails: publish nothing more on its behalf. */
  private fenced = false;
  private unfence?: () => void;
  private role: 'starting' | 'standby' | 'leader' | 'failing' | 'stopped' = 'stopped';
  /** What the leader has published up to (see position()). */
  private published?: GlobalCheckpoint;
  private lastError?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.name = `relay:${options.name ?? 'outbox'}`;
    this.batchSize = options.batchSize ?? 1_000;
    this.idlePollMs = options.idlePollMs ?? 50;
    this.heldPollMs = options.heldPollMs ?? 25;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1_000;
    this.logger = new Logger(this.name);
  }

  private get checkpointName(): string {
    return this.options.name ?? 'outbox';
  }

  start(): void {
    this.stopping = false;
    this.role = 'starting';
    this.loop ??= this.supervise();
  }

  /**
   * Something was committed in this process: a leading relay reads now instead of at its next
   * poll (or again right after the read in progress). It only shortens the leader's wait: the
   * read and the publish still go through the lock session and the fencing checks, a standby
   * still waits for the lock, a failed loop still backs off. Cheap and safe to call often.
   */
  nudge(): void {
    if (this.stopping || this.role !== 'leader') return;
    this.nudged = true;
    this.wakeLeader?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.role = 'stopped';
  }

  /** Alive while its loop runs, as leader or standby; down while failing or stopped. */
  state(): ComponentState {
    if (this.role === 'leader' || this.role === 'standby') return { up: true, detail: this.role };
    if (this.role === 'starting') return { up: true, detail: 'starting' };
    return { up: false, detail: this.role === 'failing' ? `failing: ${this.lastError}` : this.role };
  }

  isLeader(): boolean {
    return this.role === 'leader' && !this.fenced;
  }

  /**
   * Where this relay has published up to, while it leads (else undefined): ahead of the stored
   * checkpoint by up to `checkpointIntervalMs`, so the outbox backlog is counted from here.
   */
  position(): GlobalCheckpoint | undefined {
    return this.isLeader() ? this.published : undefined;
  }

  /** Publishes everything committed so far; for tests and shutdown. Returns how many were published. */
  async drain(): Promise<number> {
    const transactions = new Transactions(this.dataSource);
    let total = 0;
    for (;;) {
      const published = await this.relayOnce((work) => transactions.run(work));
      total += published.count;
      if (!published.more) return total;
    }
  }

  /** The relay loop, started over with back-off whenever it fails, until stopped. */
  private async supervise(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.lead();
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        failures++;
        this.role = 'failing';
        this.lastError = errorMessage(error);
        const level = error instanceof LeadershipLostError ? 'warn' : 'error';
        this.logger[level]({ msg: 'relay loop failed, starting over', error: this.lastError, failures });
        await this.idle(Math.min((this.options.restartBackoffMs ?? 1_000) * 2 ** Math.min(failures - 1, 5), 30_000));
      } finally {
        await this.releaseLeadership();
      }
    }
  }

  private async lead(): Promise<void> {
    if (!(await this.acquireLeadership())) return;
    this.role = 'leader';
    this.logger.log({ msg: 'leading the outbox relay' });
    const session = sqlClientOf(this.lockRunner!);
    if (this.options.listen) await session.query(`LISTEN ${channelName(this.options.listen)}`);
    // The checkpoint is a hint of where to resume, not an effect: a store lost with the last
    // moments before a database crash only republishes a tail the inboxes skip. So its commit
    // does not wait for the WAL to reach the disk, which would delay the next read and publish.
    // (This session is closed, never pooled again, when the lead ends: releaseLeadership.)
    await session.query(`SET synchronous_commit = off`);
    // While it leads, only this loop moves the checkpoint: read once, then carried from one read
    // to the next (a statement less per wake-up). A `drain()` run beside it (tests) may move it
    // too; the leader then publishes those events once more, which the consumers' inboxes skip.
    let after = await readCheckpoint(session, this.checkpointName);
    this.published = after;
    // Published but not stored yet. Stored at most every `checkpointIntervalMs` while events
    // keep coming, at the first read that finds nothing more, and at stop: a statement per second
    // instead of one per publish. A leader that dies in between costs a republish of that tail,
    // which the consumers' inboxes skip, as after a crash between publish and store.
    let unstored: GlobalCheckpoint | undefined;
    let storedAt = Date.now();
    while (!this.stopping) {
      this.nudged = false;
      // Reads and the checkpoint go through the lock's own session: if it is gone, so is the lead.
      const read = await readAll(session, after, this.batchSize);
      if (read.events.length > 0) {
        await this.publish(read.events);
        unstored = read.last;
      }
      after = read.last;
      this.published = after;
      if (unstored && (read.events.length === 0 || Date.now() - storedAt >= this.checkpointIntervalMs)) {
        this.assertLeading();
        await advanceCheckpoint(session, this.checkpointName, unstored);
        unstored = undefined;
        storedAt = Date.now();
      }
      if (read.events.length === this.batchSize || this.nudged) continue;
      // Read up to the horizon: anything stored after it is held by an older transaction.
      if (read.held) this.options.onHeld?.();
      if (!this.nudged) await this.idle(read.held ? this.heldPollMs : this.idlePollMs, true);
    }
    if (unstored) {
      this.assertLeading();
      await advanceCheckpoint(session, this.checkpointName, unstored);
    }
  }

  /** One read and publish after the stored checkpoint, then the checkpoint stored (drain). */
  private async relayOnce(run: <T>(work: (sql: SqlClient) => Promise<T>) => Promise<T>): Promise<{ count: number; more: boolean }> {
    const after = await run((sql) => readCheckpoint(sql, this.checkpointName));
    const { events, last } = await run((sql) => readAll(sql, after, this.batchSize));
    if (events.length === 0) return { count: 0, more: false };
    const count = await this.publish(events);
    await run((sql) => advanceCheckpoint(sql, this.checkpointName, last));
    return { count, more: events.length === this.batchSize };
  }

  /** Publishes what `route` names a topic for, while this relay still leads; returns how many. */
  private async publish(events: RecordedEvent[]): Promise<number> {
    const messages: OutgoingMessage[] = [];
    for (const event of events) {
      const topic = this.options.route(event);
      if (topic) messages.push(toMessage(topic, event));
    }
    this.assertLeading();
    await this.publisher.publish(messages);
    this.assertLeading();
    if (messages.length > 0) {
      const oldest = Math.min(...events.map((e) => e.occurredAt.getTime()));
      this.options.onPublished?.(messages.length, Math.max(0, (Date.now() - oldest) / 1_000));
    }
    return messages.length;
  }

  private assertLeading(): void {
    if (this.fenced) throw new LeadershipLostError('the advisory-lock session is gone: another relay may lead now');
  }

  /** True once the lock is held; false when stopping first. Keeps trying as a standby. */
  private async acquireLeadership(): Promise<boolean> {
    this.fenced = false;
    this.lockRunner = this.dataSource.createQueryRunner();
    await this.lockRunner.connect();
    const connection = (this.lockRunner as unknown as { databaseConnection?: EventEmitter }).databaseConnection;
    const fence = (why: string) => () => {
      if (!this.fenced) this.logger.warn({ msg: 'lost the advisory-lock session, publishing stops', why });
      this.fenced = true;
    };
    const onError = fence('connection error');
    const onEnd = fence('connection ended');
    const onNotification = ({ channel }: { channel: string }) => {
      if (channel === this.options.listen) this.nudge();
    };
    connection?.on('error', onError);
    connection?.on('end', onEnd);
    connection?.on('notification', onNotification);
    // The pooled connection outlives this leadership: its later errors are not ours.
    this.unfence = () => {
      connection?.off('error', onError);
      connection?.off('end', onEnd);
      connection?.off('notification', onNotification);
    };
    const sql = sqlClientOf(this.lockRunner);
    while (!this.stopping) {
      const { rows } = await sql.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('outbox-relay:' || $1)) AS locked`, [this.checkpointName]);
      if (rows[0]?.locked) return true;
      this.role = 'standby';
      await this.idle(this.options.standbyPollMs ?? 1_000);
    }
    return false;
  }

  /**
   * Closes the lock's session instead of returning it to the pool: closing it frees the lock
   * for certain, whatever happened to the relay (a failed publish leaves the session healthy
   * and still holding it, and a pooled connection that kept it would block every standby).
   */
  private async releaseLeadership(): Promise<void> {
    if (!this.lockRunner) return;
    const runner = this.lockRunner as QueryRunner & { releasePostgresConnection?: (error?: Error) => Promise<void> };
    this.lockRunner = undefined;
    this.unfence?.();
    this.unfence = undefined;
    if (runner.releasePostgresConnection) {
      await runner.releasePostgresConnection(new Error('outbox relay lock session closed')).catch(() => undefined);
    } else {
      await runner.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
      await runner.query(`UNLISTEN *`).catch(() => undefined);
      await runner.query(`RESET synchronous_commit`).catch(() => undefined);
      await runner.release().catch(() => undefined);
    }
  }

  private idle(ms: number, nudgeable = false): Promise<void> {
    // stop() wakes a wait that has begun; one that begins after it (the loop was reading or
    // publishing) must not begin at all, or stopping waits a whole poll.
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        if (this.wakeLeader === done) this.wakeLeader = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.wakeLeader = nudgeable ? done : undefined;
    });
  }
}

export interface CommitNudgingOptions {
  /** Which stored events the relay publishes (the service's router): only those wake it. */
  publishes: (event: StoredEventKind) => boolean;
  /**
   * The channel the relay LISTENs on (OutboxRelayOptions `listen`): a transaction that stored
   * an event to publish runs `pg_notify` on it before its COMMIT, and PostgreSQL delivers the
   * notification only if and when it commits, to the leading relay of any instance.
   */
  notify?: string;
  /** Called in this process after such a transaction committed (a nudge without LISTEN). */
  afterCommit?: () => void;
  /**
   * This process's relay: while it leads, a commit wakes it directly after the COMMIT instead of
   * through `notify` (a statement less per publishing transaction, and no notification for the
   * leader's session to read). Leadership moving in between costs only latency: the new
   * leader's poll finds the event.
   */
  local?: Pick<OutboxRelay, 'isLeader' | 'nudge'>;
}

/**
 * The service's transactions (HTTP commands and consumer chunks alike), waking the outbox relay
 * when a transaction that stored an event it publishes commits, so the event goes out now
 * rather than at the relay's next poll. Transactions that stored only events kept inside the
 * service (a call log entry, a reservation), read-only ones and rolled back ones wake nobody:
 * a wake-up costs the relay a read, and most chunks publish nothing. Events committed by
 * processes that do not notify (a tool) are found by the poll.
 */
export class CommitNudgingTransactions extends Transactions {
  constructor(
    dataSource: DataSource,
    private readonly options: CommitNudgingOptions,
  ) {
    super(dataSource);
  }

  override async run<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    let stored = false;
    let wakeHere = false;
    const result = await super.run(async (sql) => {
      const value = await work({
        query: (text, params) => sql.query(text, params),
        eventsStored: (events) => {
          stored ||= events.some(this.options.publishes);
        },
      });
      wakeHere = stored && this.options.local?.isLeader() === true;
      if (stored && !wakeHere && this.options.notify) await sql.query(`SELECT pg_notify($1, '')`, [channelName(this.options.notify)]);
      return value;
    });
    if (stored) {
      try {
        if (wakeHere) this.options.local!.nudge();
        this.options.afterCommit?.();
      } catch {
        // A nudge is an optimisation: the poll publishes anyway.
      }
    }
    return result;
  }
}

/** A notification channel is an identifier: only plain lower-case names are used. */
function channelName(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  return channel;
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
