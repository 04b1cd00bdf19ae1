import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { SchemaRegistry } from '@comms-credits/contracts';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { BatchConsumerOptions, ConsumedMessage, ConsumerObserver, KafkaBatchConsumer } from '../batch-consumer';
import { carryOverOffsets } from '../group-offsets';
import { inboxApplier } from '../inbox-applier';
import { MessageLimits } from '../message-guard';
import { MessagePublisher } from '../publisher';
import { Supervision } from '../supervision';

/** What a handler gets besides the event: the transaction to write in, and where it came from. */
export class KafkaBatchContext extends BaseRpcContext<[SqlClient, ConsumedMessage]> {
  get sql(): SqlClient {
    return this.args[0];
  }
  get message(): ConsumedMessage {
    return this.args[1];
  }
}

/** The context of a batch handler (`@EventPattern(topic, { batch: true })`): the messages, in order. */
export class KafkaBatchOfContext extends BaseRpcContext<[SqlClient, ConsumedMessage[]]> {
  get sql(): SqlClient {
    return this.args[0];
  }
  get messages(): ConsumedMessage[] {
    return this.args[1];
  }
}

/** Marks an `@EventPattern` handler that takes all fresh events of a chunk at once. */
export const BATCH = { batch: true } as const;

/**
 * A batch handler that keeps books nobody waits on to admit a call: the call log, the settlement
 * of ended calls, facts learned for later. A topic whose handlers in a service are all
 * bookkeeping goes to the service's bookkeeping consumer, when it has one
 * (`KafkaBatchTransportOptions.bookkeeping`), so it never queues ahead of a call being admitted.
 */
export const BOOKKEEPING = { batch: true, bookkeeping: true } as const;

export interface KafkaBatchTransportOptions {
  kafka: Kafka;
  groupId: string;
  transactions: Transactions;
  deadLetters: MessagePublisher;
  /** The schemas of every topic a handler listens to. */
  schemas: Record<string, SchemaRegistry>;
  maxAttempts?: number;
  maxChunkSize?: number;
  /** Namespace of the topics (see KafkaPublisher); handlers still name the contract's topics. */
  topicPrefix?: string;
  limits?: Partial<MessageLimits>;
  observer?: ConsumerObserver;
  /** Where readiness finds the consumer. */
  supervision?: Supervision;
  /** Group membership timings and restart policy (see BatchConsumerOptions). */
  consumer?: Pick<
    BatchConsumerOptions,
    | 'sessionTimeoutMs'
    | 'heartbeatIntervalMs'
    | 'rebalanceTimeoutMs'
    | 'maxRestarts'
    | 'restartWindowMs'
    | 'onGiveUp'
    | 'retryBackoffMs'
    | 'partitionsConsumedConcurrently'
    | 'fetchMaxWaitMs'
    | 'fetchMinBytes'
    | 'offsetCommitIntervalMs'
  >;
  /**
   * A consumer group of its own for the topics whose handlers here are all BOOKKEEPING, whose
   * fetches gather (`consumer`: e.g. 256 KiB or 1 s): a message received by a fetch of its own
   * costs the service ~3 ms of CPU on the benchmark machine, more than applying it, and nobody
   * waits on these. Without it they stay in the main consumer.
   */
  bookkeeping?: { groupId: string; consumer?: Pick<BatchConsumerOptions, 'fetchMinBytes' | 'fetchMaxWaitMs'> };
}

/**
 * A Nest microservice transport on top of `KafkaBatchConsumer`: `@EventPattern(topic)`
 * handlers run one after another inside the chunk's transaction (with the inbox row of
 * their message), so their writes, the inbox and — after commit — the offset move together.
 * Nest's own Kafka server consumes message by message and auto-commits; this one doesn't.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  /** The main consumer, then the bookkeeping one if any. */
  private consumers: KafkaBatchConsumer[] = [];
  /**
   * The handlers of each topic, in the order Nest registered them (modules, then controllers,
   * as the module tree lists them): the one place that says how handlers of one topic are
   * ordered. No handler may rely on that order. One that needs another's effect produces it
   * itself: pool-ledger records a call's end before settling it, whatever the call log's
   * handler did or will do (recording twice is a no-op).
   */
  private readonly chains = new Map<string, MessageHandler[]>();

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics = [...this.messageHandlers.keys()];
      for (const topic of topics) this.chains.set(topic, this.detachChain(topic));
      const missing = topics.filter((topic) => !this.options.schemas[topic]);
      if (missing.length > 0) throw new Error(`no schema registered for topic(s) ${missing.join(', ')}`);
      const books = this.options.bookkeeping;
      const bookkeeping = books ? topics.filter((topic) => this.chains.get(topic)!.every((handler) => handler.extras?.['bookkeeping'] === true)) : [];
      const main = topics.filter((topic) => !bookkeeping.includes(topic));
      if (books && main.length > 0) await this.carryOver(books.groupId, this.options.groupId, main);
      if (main.length > 0) this.consumers.push(this.consumerOf(this.options.groupId, main));
      if (books && bookkeeping.length > 0) {
        await this.carryOver(this.options.groupId, books.groupId, bookkeeping);
        this.consumers.push(this.consumerOf(books.groupId, bookkeeping, books.consumer));
      }
      for (const consumer of this.consumers) this.options.supervision?.register(consumer);
      const joined = Promise.all(this.consumers.map((consumer) => consumer.onceJoined()));
      for (const consumer of this.consumers) await consumer.start();
      await joined;
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private consumerOf(groupId: string, topics: string[], settings: Partial<BatchConsumerOptions> = {}): KafkaBatchConsumer {
    return new KafkaBatchConsumer(this.options.kafka, {
      groupId,
      topics: Object.fromEntries(topics.map((topic) => [topic, this.options.schemas[topic]!])),
      topicPrefix: this.options.topicPrefix,
      deadLetters: this.options.deadLetters,
      maxAttempts: this.options.maxAttempts,
      maxChunkSize: this.options.maxChunkSize,
      limits: this.options.limits,
      observer: this.options.observer,
      ...this.options.consumer,
      ...settings,
      apply: inboxApplier(this.options.transactions, groupId, (sql, fresh) => this.dispatch(sql, fresh)),
    });
  }

  /**
   * A topic the main group read in an earlier version goes on in the bookkeeping group from the
   * main group's position, and one the bookkeeping group read goes on in the main group from
   * its position (licensing's `telephony.call-started` since session 9; see carryOverOffsets).
   * Instances starting at once take turns under an
   * advisory lock of the service's database, so only the first sets the positions, before any
   * of them has joined.
   */
  private async carryOver(from: string, groupId: string, topics: string[]): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const carried = await this.options.transactions.run(async (sql) => {
        await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`consumer-group-offsets:${groupId}`]);
        return carryOverOffsets(
          admin,
          from,
          groupId,
          topics.map((topic) => (this.options.topicPrefix ?? '') + topic),
        );
      });
      if (carried.length > 0) this.logger.log({ msg: 'consumer group took over the main group position', groupId, topics: carried });
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not emit status events');
  }

  unwrap<T>(): T {
    return this.consumers[0] as T;
  }

  /**
   * Nest links several event handlers of one pattern through `next` and, when the first is
   * called, starts the others at once, concurrently. Here they share one transaction and must
   * run one after another, so the chain is taken apart and walked in order.
   */
  private detachChain(topic: string): MessageHandler[] {
    const chain: MessageHandler[] = [];
    for (let handler = this.getHandlerByPattern(topic) ?? undefined; handler;) {
      const next = handler.next as MessageHandler | undefined;
      handler.next = undefined;
      chain.push(handler);
      handler = next;
    }
    return chain;
  }

  /**
   * A chunk comes from one topic-partition. Each handler of the topic (Nest chains several
   * through `next`) sees the whole chunk in order: a batch handler in one call (so it can write
   * in a few statements), any other one event at a time.
   */
  private async dispatch(sql: SqlClient, messages: ConsumedMessage[]): Promise<void> {
    const first = messages[0];
    if (!first) return;
    const chain = this.chains.get(first.topic);
    if (!chain) throw new Error(`no handler for topic ${first.topic}`);
    for (const handler of chain) {
      if (handler.extras?.['batch']) {
        const result = await handler(
          messages.map((m) => m.event),
          new KafkaBatchOfContext([sql, messages]),
        );
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        continue;
      }
      for (const message of messages) {
        const result = await handler(message.event, new KafkaBatchContext([sql, message]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      }
    }
  }
}
