import { Logger } from '@nestjs/common';
import { DeadLetterHeaders, Envelope, SchemaRegistry, deadLetterTopicOf } from '@comms-credits/contracts';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { errorCode, errorMessage, isTransientError } from './errors';
import { MessagePublisher, OutgoingMessage } from './publisher';

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
  /** Most messages applied in one transaction; a fetched batch is cut into chunks of this size. */
  maxChunkSize?: number;
  retryBackoffMs?: number;
  /**
   * Partitions processed at once, each in its own transaction (default 1). Order holds within a
   * partition, i.e. per tenant; more lets the CPU decode one partition while the database
   * writes another.
   */
  partitionsConsumedConcurrently?: number;
  /** How long the group waits for a silent member before giving its partitions away (default 30 s). */
  sessionTimeoutMs?: number;
  /** Start from the earliest offset when the group has none (default true). */
  fromBeginning?: boolean;
  /**
   * Namespace of the topics on the broker (see KafkaPublisher). `topics` and the topics of
   * consumed messages are the contract's names; only the subscription carries the prefix.
   */
  topicPrefix?: string;
}

interface DeadLetter {
  message: KafkaMessage;
  code: string;
  error: string;
  attempts: number;
}

/**
 * The consuming half of "exactly-once effects over at-least-once Kafka":
 * - kafkajs `eachBatch`, a chunk applied in one database transaction with its inbox rows;
 * - offsets committed only after that transaction commits (a crash in between redelivers,
 *   and the inbox turns the repeat into a no-op);
 * - a message that fails validation goes straight to `<topic>.dlt`; one that fails processing
 *   is retried (the chunk, then the message alone) and then dead-lettered, so a poison message
 *   never blocks its partition; infrastructure failures are retried without dead-lettering;
 * - `stop()` lets the running chunk finish and commit, then disconnects.
 */
export class KafkaBatchConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly maxAttempts: number;
  private readonly maxChunkSize: number;
  private readonly retryBackoffMs: number;
  private running = false;
  private readonly prefix: string;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxChunkSize = options.maxChunkSize ?? 500;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.prefix = options.topicPrefix ?? '';
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: Object.keys(this.options.topics).map((topic) => this.prefix + topic),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
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

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const topic = batch.topic.slice(this.prefix.length);
    const registry = this.options.topics[topic];
    for (let start = 0; start < batch.messages.length; start += this.maxChunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.maxChunkSize);
      const good: { message: KafkaMessage; consumed: ConsumedMessage }[] = [];
      const dead: DeadLetter[] = [];
      for (const message of chunk) {
        const decoded = registry
          ? registry.decode(message.value)
          : ({ ok: false, code: 'NO_SCHEMA', message: `no schema for topic ${topic}` } as const);
        if (decoded.ok) {
          good.push({
            message,
            consumed: {
              topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              headers: stringHeaders(message.headers),
              event: decoded.event,
            },
          });
        } else if (decoded.code !== 'IGNORED_EVENT_TYPE') {
          dead.push({ message, code: decoded.code, error: decoded.message, attempts: 0 });
        }
      }

      dead.push(...(await this.applyWithRetries(good, heartbeat)));
      if (dead.length > 0) await this.deadLetter(topic, batch.partition, dead);

      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next(last) }]);
      await heartbeat();
    }
  }

  /** Returns the messages that failed for good; throws on infrastructure failure. */
  private async applyWithRetries(
    good: { message: KafkaMessage; consumed: ConsumedMessage }[],
    heartbeat: () => Promise<void>,
  ): Promise<DeadLetter[]> {
    if (good.length === 0) return [];
    const whole = await this.attempt(() => this.options.apply(good.map((g) => g.consumed)), heartbeat);
    if (whole === undefined) return [];
    if (good.length === 1) {
      return [{ message: good[0]!.message, code: errorCode(whole), error: errorMessage(whole), attempts: this.maxAttempts }];
    }
    // Find the poison: each message alone, in order.
    const dead: DeadLetter[] = [];
    for (const { message, consumed } of good) {
      const error = await this.attempt(() => this.options.apply([consumed]), heartbeat);
      if (error !== undefined) {
        dead.push({ message, code: errorCode(error), error: errorMessage(error), attempts: this.maxAttempts });
      }
    }
    return dead;
  }

  /** Up to `maxAttempts` tries; undefined on success, else the last error. Transient errors are retried forever. */
  private async attempt(work: () => Promise<void>, heartbeat: () => Promise<void>): Promise<unknown> {
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return undefined;
      } catch (error) {
        // Shutting down: leave the chunk uncommitted for the next owner, never dead-letter it.
        if (!this.running) throw error;
        if (isTransientError(error)) {          this.logger.warn({ msg: 'transient failure, retrying', error: errorMessage(error), attempt });
          await delay(Math.min(this.retryBackoffMs * 2 ** Math.min(attempt, 8), 10_000));
          await heartbeat();
          continue;
        }
        failures++;
        if (failures >= this.maxAttempts) return error;
        await delay(this.retryBackoffMs * failures);
        await heartbeat();
      }
    }
  }

  private async deadLetter(topic: string, partition: number, dead: DeadLetter[]): Promise<void> {
    const failedAt = new Date().toISOString();
    const messages: OutgoingMessage[] = dead.map(({ message, code, error, attempts }) => {
      this.logger.error({ msg: 'dead-lettering message', topic: this.prefix + topic, partition, offset: message.offset, code, error });
      return {
        topic: deadLetterTopicOf(topic),
        key: message.key?.toString() ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          ...stringHeaders(message.headers),
          [DeadLetterHeaders.Error]: error,
          [DeadLetterHeaders.ErrorCode]: code,
          [DeadLetterHeaders.Consumer]: this.options.groupId,
          [DeadLetterHeaders.SourceTopic]: this.prefix + topic,
          [DeadLetterHeaders.SourcePartition]: String(partition),
          [DeadLetterHeaders.SourceOffset]: message.offset,
          [DeadLetterHeaders.Attempts]: String(attempts),
          [DeadLetterHeaders.FailedAt]: failedAt,
        },
      };
    });
    await this.options.deadLetters.publish(messages);
  }
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
