import { Logger } from '@nestjs/common';
import { DeadLetterHeaders, Envelope, SchemaRegistry, deadLetterTopicOf } from '@comms-credits/contracts';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, PartitionAssigners } from 'kafkajs';
import { errorMessage, isTransientError, isVersionConflict } from './errors';
import { LaneAssigner } from './lane-assigner';
import { Lanes } from './lanes';
import { OffsetCommitter, PartitionOffset } from './offset-committer';
import { DEFAULT_MESSAGE_LIMITS, DeadLetterReason, MessageLimits, guardMessage } from './message-guard';
import { MessagePublisher, OutgoingMessage } from './publisher';
import { ComponentState, Supervised } from './supervision';

/** A message that passed its schema: where it came from and the decoded event. */
export interface ConsumedMessage<E extends Envelope = Envelope> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  event: E;
}

/**
 * Applies messages in ONE transaction together with their inbox rows, and returns once that
 * transaction has committed. Throwing rolls everything back.
 */
export type BatchApplier = (messages: ConsumedMessage[]) => Promise<void>;

/** What a consumer reports as it goes (metrics); every method is optional and must not throw. */
export interface ConsumerObserver {
  /** Messages of a chunk applied (or skipped as repeats) and committed. */
  processed?(topic: string, count: number): void;
  deadLettered?(topic: string, reason: DeadLetterReason): void;
  /** One chunk, from decoding to the offset commit. */
  chunkApplied?(topic: string, seconds: number): void;
  /** After each commit: how far the partition's end is ahead of the next offset to read. */
  lag?(topic: string, partition: number, lag: number): void;
  /** Arrival of a valid message, before it is applied (e.g. to time CallStarted → decision). */
  received?(message: ConsumedMessage): void;
  /** One OffsetCommit request went out, for this many topic-partitions. */
  offsetsCommitted?(partitions: number): void;
}

export interface BatchConsumerOptions {
  /** Explicit consumer group id (no hidden suffixes). */
  groupId: string;
  /** The schema registry of each subscribed topic. */
  topics: Record<string, SchemaRegistry>;
  apply: BatchApplier;
  /** Where dead letters go (usually the service's publisher). */
  deadLetters: MessagePublisher;
  /** Attempts per message before it is dead-lettered (a non-transient failure). */
  maxAttempts?: number;
  /**
   * Attempts when another writer moved a stream first (default 10, with jittered back-off):
   * deciding again usually succeeds, but a stream that always conflicts is a bug, not load.
   */
  maxConflictAttempts?: number;
  /** Most messages applied in one transaction; a fetched batch is cut into chunks of this size. */
  maxChunkSize?: number;
  retryBackoffMs?: number;
  /**
   * Topic-partitions handed over at once (kafkajs `partitionsConsumedConcurrently`, default 1),
   * each chunk in its own transaction. Whatever the number, chunks of the same partition
   * number run one at a time, across topics (see Lanes): order holds per tenant and the
   * streams a tenant's topics share are never written concurrently. Set it to the number of
   * subscribed topic-partitions to let every partition number go at once: kafkajs hands over
   * a fetch's batches to that many workers and fetches again only when all are done.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Longest wait of a fetch that finds nothing new (default 100 ms). The broker answers as soon
   * as one byte is there, so this bounds only idle fetches (CPU of the consumer and the broker
   * when nothing happens) and how long `stop()` may wait for the fetch in flight, not latency.
   */
  fetchMaxWaitMs?: number;
  /**
   * Bytes a fetch waits for, up to `fetchMaxWaitMs`, before the broker answers (default 1: at
   * once). More trades latency for bigger chunks, for a consumer nobody waits on.
   */
  fetchMinBytes?: number;
  /**
   * Offsets are committed at most this often, one request for every partition applied since
   * (see OffsetCommitter); on stop, at once. Default 0: after every chunk.
   */
  offsetCommitIntervalMs?: number;
  /**
   * How long the group waits for a silent member (one SIGKILLed, or cut off) before giving its
   * partitions away: default 10 s, the whole cost of a dead instance for admission. Heartbeats
   * go every `heartbeatIntervalMs` (default 1 s) and between chunks.
   */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to finish their chunk and rejoin (default 20 s). */
  rebalanceTimeoutMs?: number;
  /** Start from the earliest offset when the group has none (default true). */
  fromBeginning?: boolean;
  /**
   * Namespace of the topics on the broker (see KafkaPublisher). `topics` and the topics of
   * consumed messages are the contract's names; only the subscription carries the prefix.
   */
  topicPrefix?: string;
  /** Size and shape limits checked before anything parses a message (see guardMessage). */
  limits?: Partial<MessageLimits>;
  observer?: ConsumerObserver;
  /**
   * Restarts of a crashed consumer allowed within `restartWindowMs` (default 5 in 5 minutes);
   * past that `onGiveUp` is called (the platform exits the process so that its supervisor
   * starts a fresh one).
   */
  maxRestarts?: number;
  restartWindowMs?: number;
  onGiveUp?: (error: unknown) => void;
}

interface DeadLetter {
  message: KafkaMessage;
  reason: DeadLetterReason;
  error: string;
  attempts: number;
}

/** Longest `dlt-error` header: the reason must be readable, not a second copy of the payload. */
const MAX_ERROR_HEADER = 2_000;

/**
 * The consuming half of "exactly-once effects over at-least-once Kafka":
 * - kafkajs `eachBatch`, a chunk applied in one database transaction with its inbox rows;
 * - offsets committed only after that transaction commits (a crash in between redelivers,
 *   and the inbox turns the repeat into a no-op);
 * - a message that fails its limits or schema goes straight to `<topic>.dlt`; one that fails
 *   processing is retried (the chunk, then the message alone) and then dead-lettered, so a
 *   poison message never blocks its partition; infrastructure failures are retried without
 *   dead-lettering and without committing past the message;
 * - a crashed kafkajs consumer is restarted with back-off (its state is readiness);
 * - `stop()` lets the running chunk finish and commit, then leaves the group.
 */
export class KafkaBatchConsumer implements Supervised {
  readonly name: string;
  private readonly logger: Logger;
  private consumer: Consumer;
  private readonly maxAttempts: number;
  private readonly maxConflictAttempts: number;
  private readonly maxChunkSize: number;
  private readonly retryBackoffMs: number;
  private readonly limits: MessageLimits;
  private running = false;
  private readonly prefix: string;
  private current: ComponentState = { up: false, detail: 'not started' };
  private restarts: number[] = [];
  private restartTimer?: NodeJS.Timeout;
  /** One chunk at a time per partition number, across topics. */
  private readonly lanes = new Lanes();
  /** The topic-partitions the group gave this member at its last join (subscribed names). */
  private assigned: Record<string, number[]> = {};
  private readonly offsets: OffsetCommitter;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.name = `consumer:${options.groupId}`;
    this.logger = new Logger(this.name);
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxConflictAttempts = options.maxConflictAttempts ?? 10;
    this.maxChunkSize = options.maxChunkSize ?? 500;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.limits = { ...DEFAULT_MESSAGE_LIMITS, ...options.limits };
    this.prefix = options.topicPrefix ?? '';
    this.offsets = new OffsetCommitter(
      (offsets) => this.commitOffsets(offsets),
      options.offsetCommitIntervalMs ?? 0,
      (error) => this.logger.warn({ msg: 'offset commit failed, will retry', error: errorMessage(error) }),
    );
    this.consumer = this.createConsumer();
  }

  private createConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 20_000,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 100,
      // A partition number's topics to one member, so lanes hold across instances too.
      partitionAssigners: [LaneAssigner, PartitionAssigners.roundRobin],
      minBytes: this.options.fetchMinBytes ?? 1,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.running) this.current = { up: true };
      this.assigned = payload.memberAssignment;
      // Never commit, late, an offset of a partition another member consumes now.
      this.offsets.retain((topic, partition) => payload.memberAssignment[topic]?.includes(partition) ?? false);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(consumer, payload.error, payload.restart));
    return consumer;
  }

  async start(): Promise<void> {
    this.running = true;
    this.current = { up: false, detail: 'joining the group' };
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: Object.keys(this.options.topics).map((topic) => this.prefix + topic),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.lanes.run(payload.batch.partition, () => this.onBatch(payload)),
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.restartTimer);
    this.current = { up: false, detail: 'stopped' };
    // What is applied is committed before the group is left: chunks that finished already now,
    // a chunk still running when it ends (onBatch), so the next owner starts after them.
    await this.offsets.flush().catch((error: unknown) => this.logger.warn({ msg: 'offset commit at stop failed', error: errorMessage(error) }));
    await this.consumer.disconnect();
    this.offsets.close();
  }

  /** Readiness: up once the group is joined, down while crashed or restarting. */
  state(): ComponentState {
    return this.current;
  }

  /** The topic-partitions this member was given at its last join (topic names as subscribed). */
  assignment(): Record<string, number[]> {
    return this.assigned;
  }

  /** Resolves once the group has joined and been assigned partitions. */
  onceJoined(): Promise<void> {
    return new Promise((resolve) => {
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
  }

  /**
   * kafkajs restarts a consumer itself after a retriable error (restart=true) and rejoins;
   * after any other it has disconnected for good. Then a fresh consumer is started with
   * back-off; too many restarts in the window mean this process cannot recover.
   */
  private onCrash(consumer: Consumer, error: unknown, restart: boolean): void {
    if (!this.running || consumer !== this.consumer) return;
    this.current = { up: false, detail: `crashed: ${errorMessage(error)}` };
    this.logger.error({ msg: 'consumer crashed', error: errorMessage(error), restartedByKafkajs: restart });
    if (restart) return;
    this.scheduleRestart(error);
  }

  private scheduleRestart(error: unknown): void {
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 300_000;
    this.restarts = this.restarts.filter((at) => now - at < window);
    if (this.restarts.length >= (this.options.maxRestarts ?? 5)) {
      this.current = { up: false, detail: `gave up after ${this.restarts.length} restarts: ${errorMessage(error)}` };
      this.logger.error({ msg: 'consumer cannot recover, giving up', restarts: this.restarts.length, error: errorMessage(error) });
      this.options.onGiveUp?.(error);
      return;
    }
    this.restarts.push(now);
    const backoff = Math.min(this.retryBackoffMs * 10 * 2 ** (this.restarts.length - 1), 30_000);
    this.restartTimer = setTimeout(() => void this.restart(), backoff);
  }

  private async restart(): Promise<void> {
    if (!this.running) return;
    this.logger.warn({ msg: 'restarting the consumer', restart: this.restarts.length });
    await this.consumer.disconnect().catch(() => undefined);
    this.consumer = this.createConsumer();
    try {
      await this.start();
    } catch (error) {
      // run() rejected (broker unreachable, subscription refused): count it and try again.
      this.current = { up: false, detail: `restart failed: ${errorMessage(error)}` };
      this.logger.error({ msg: 'consumer restart failed', error: errorMessage(error) });
      if (this.running) this.scheduleRestart(error);
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await this.applyBatch(payload);
    } finally {
      if (!this.running || !payload.isRunning()) {
        await this.offsets
          .flush(this.commitThrough(payload))
          .catch((error: unknown) => this.logger.warn({ msg: 'offset commit at stop failed', error: errorMessage(error) }));
      }
    }
  }

  private async commitOffsets(offsets: PartitionOffset[]): Promise<void> {
    await this.consumer.commitOffsets(offsets);
    this.observe((o) => o.offsetsCommitted?.(offsets.length));
  }

  /**
   * Commits through a batch's own payload: kafkajs silently drops the consumer's
   * `commitOffsets` once it is stopping, but a batch still running may commit what it applied.
   */
  private commitThrough(payload: EachBatchPayload): (offsets: PartitionOffset[]) => Promise<void> {
    return async (offsets) => {
      await payload.commitOffsetsIfNecessary({ topics: byTopic(offsets) });
      this.observe((o) => o.offsetsCommitted?.(offsets.length));
    };
  }

  private async applyBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const topic = batch.topic.slice(this.prefix.length);
    const registry = this.options.topics[topic];
    for (let start = 0; start < batch.messages.length; start += this.maxChunkSize) {
      if (!isRunning() || isStale()) return;
      const started = process.hrtime.bigint();
      const chunk = batch.messages.slice(start, start + this.maxChunkSize);
      const good: { message: KafkaMessage; consumed: ConsumedMessage }[] = [];
      const dead: DeadLetter[] = [];
      for (const message of chunk) {
        // Never throws: a message that is too big, too deep, not UTF-8, not JSON or not the
        // schema is a dead letter with its reason, decided before anything recursive runs.
        const guarded = guardMessage(message.value, registry, this.limits);
        if (guarded.ok) {
          const consumed: ConsumedMessage = {
            topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers: stringHeaders(message.headers),
            event: guarded.event,
          };
          good.push({ message, consumed });
          this.observe((o) => o.received?.(consumed));
        } else if (!guarded.ignored) {
          dead.push({ message, reason: guarded.reason, error: guarded.error, attempts: 0 });
        }
      }

      dead.push(...(await this.applyWithRetries(good, heartbeat)));
      if (dead.length > 0) await this.deadLetter(topic, batch.partition, dead);

      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      await this.offsets.stage({ topic: batch.topic, partition: batch.partition, offset: next(last) }, this.commitThrough(payload));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.observe((o) => {
        o.processed?.(topic, chunk.length - dead.length);
        for (const { reason } of dead) o.deadLettered?.(topic, reason);
        o.chunkApplied?.(topic, seconds);
        o.lag?.(topic, batch.partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next(last)))));
      });
      await heartbeat();
    }
  }

  /** Returns the messages that failed for good; throws on infrastructure failure. */
  private async applyWithRetries(good: { message: KafkaMessage; consumed: ConsumedMessage }[], heartbeat: () => Promise<void>): Promise<DeadLetter[]> {
    if (good.length === 0) return [];
    const whole = await this.attempt(() => this.options.apply(good.map((g) => g.consumed)), heartbeat);
    if (whole === undefined) return [];
    if (good.length === 1) return [this.failed(good[0]!.message, whole)];
    // Find the poison: each message alone, in order.
    const dead: DeadLetter[] = [];
    for (const { message, consumed } of good) {
      const error = await this.attempt(() => this.options.apply([consumed]), heartbeat);
      if (error !== undefined) dead.push(this.failed(message, error));
    }
    return dead;
  }

  private failed(message: KafkaMessage, error: AttemptError): DeadLetter {
    return { message, reason: 'PROCESSING_FAILED', error: errorMessage(error.error), attempts: error.attempts };
  }

  /**
   * Bounded tries; undefined on success, else the last error. A transient error (the database
   * or the broker unreachable) is retried for as long as it lasts, and never dead-letters a
   * valid event: nothing is committed past it. A version conflict is retried up to
   * `maxConflictAttempts` (it is expected under concurrency, so logged at debug), anything
   * else up to `maxAttempts`.
   */
  private async attempt(work: () => Promise<void>, heartbeat: () => Promise<void>): Promise<AttemptError | undefined> {
    let failures = 0;
    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return undefined;
      } catch (error) {
        // Shutting down: leave the chunk uncommitted for the next owner, never dead-letter it.
        if (!this.running) throw error;
        if (isTransientError(error)) {
          this.logger.warn({ msg: 'transient failure, retrying', error: errorMessage(error), attempt });
          await delay(Math.min(this.retryBackoffMs * 2 ** Math.min(attempt, 8), 10_000));
          await heartbeat();
          continue;
        }
        if (isVersionConflict(error)) {
          conflicts++;
          if (conflicts >= this.maxConflictAttempts) return { error, attempts: attempt };
          this.logger.debug({ msg: 'version conflict, deciding again', error: errorMessage(error), attempt: conflicts });
          // Jitter: two writers that conflicted once should not retry in lockstep.
          await delay(Math.random() * this.retryBackoffMs * Math.min(conflicts, 5));
          await heartbeat();
          continue;
        }
        failures++;
        if (failures >= this.maxAttempts) return { error, attempts: attempt };
        await delay(this.retryBackoffMs * failures);
        await heartbeat();
      }
    }
  }

  private async deadLetter(topic: string, partition: number, dead: DeadLetter[]): Promise<void> {
    const failedAt = new Date().toISOString();
    const toMessage = ({ message, reason, error, attempts }: DeadLetter, keepOriginal: boolean): OutgoingMessage => ({
      topic: deadLetterTopicOf(topic),
      key: message.key?.toString() ?? '',
      // A value the broker would refuse again is cut to the limit rather than block the partition.
      value: keepOriginal ? (message.value ?? Buffer.alloc(0)) : (message.value ?? Buffer.alloc(0)).subarray(0, this.limits.maxBytes),
      headers: {
        ...(keepOriginal ? stringHeaders(message.headers) : {}),
        [DeadLetterHeaders.Reason]: reason,
        [DeadLetterHeaders.Error]: error.length > MAX_ERROR_HEADER ? `${error.slice(0, MAX_ERROR_HEADER)}…` : error,
        [DeadLetterHeaders.OriginalTopic]: this.prefix + topic,
        [DeadLetterHeaders.OriginalPartition]: String(partition),
        [DeadLetterHeaders.OriginalOffset]: message.offset,
        [DeadLetterHeaders.Consumer]: this.options.groupId,
        [DeadLetterHeaders.Attempts]: String(attempts),
        [DeadLetterHeaders.FailedAt]: failedAt,
      },
    });
    for (const letter of dead) {
      this.logger.error({
        msg: 'dead-lettering message',
        topic: this.prefix + topic,
        partition,
        offset: letter.message.offset,
        reason: letter.reason,
        error: letter.error.slice(0, MAX_ERROR_HEADER),
      });
    }
    try {
      await this.options.deadLetters.publish(dead.map((d) => toMessage(d, true)));
    } catch (error) {
      if (isTransientError(error) || !this.running) throw error;
      // Refused for what it carries (too large with its headers, a header the broker rejects):
      // the reason and where to find the original still go out, so the partition moves on.
      this.logger.error({ msg: 'dead letter refused, sending it without original headers', error: errorMessage(error) });
      await this.options.deadLetters.publish(dead.map((d) => toMessage(d, false)));
    }
  }

  private observe(report: (observer: ConsumerObserver) => void): void {
    if (!this.options.observer) return;
    try {
      report(this.options.observer);
    } catch (error) {
      this.logger.warn({ msg: 'observer failed', error: errorMessage(error) });
    }
  }
}

interface AttemptError {
  error: unknown;
  attempts: number;
}

function byTopic(offsets: PartitionOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset }]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

function next(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return result;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
