import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_SUFFIX, DeadLetterHeaders } from '@comms-credits/contracts';
import { IHeaders, Kafka, Partitioners } from 'kafkajs';

/** A message of a `.dlt` topic, with where it sits there and what the consumer said. */
export interface DeadLetter {
  /** The dead-letter topic as the contract names it (without the namespace prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
  error: string;
  originalTopic: string;
  originalPartition: string;
  originalOffset: string;
  consumer: string;
  failedAt: string;
}

export interface ReplayResult {
  /** The broker topic it was published to (the original one, with any namespace prefix). */
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Operator tooling over the dead-letter topics (`<topic>.dlt`): list them, show one, and
 * replay one to its original topic after a fix, with its original key and headers (minus the
 * `dlt-*` ones) and optionally a corrected value. Reads with a throw-away consumer group that
 * is deleted afterwards, so it never moves a service's offsets.
 */
export class DeadLetterTool {
  constructor(
    private readonly kafka: Kafka,
    /** The namespace prefix of the services (KAFKA_TOPIC_PREFIX); empty in production. */
    private readonly prefix = '',
  ) {}

  /** `telephony.call-started`, `telephony.call-started.dlt` or the prefixed names → the contract's DLT name. */
  deadLetterTopicOf(topic: string): string {
    const bare = this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
    return bare.endsWith(DEAD_LETTER_SUFFIX) ? bare : `${bare}${DEAD_LETTER_SUFFIX}`;
  }

  /** The dead-letter topics of this namespace that exist on the broker. */
  async topics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics())
        .filter((t) => t.startsWith(this.prefix) && t.endsWith(DEAD_LETTER_SUFFIX))
        .map((t) => t.slice(this.prefix.length))
        .sort();
    } finally {
      await admin.disconnect();
    }
  }

  /** Every dead letter (of one topic, or of all), oldest first per partition, at most `limit`. */
  async list(options: { topic?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const topics = options.topic ? [this.deadLetterTopicOf(options.topic)] : await this.topics();
    const found: DeadLetter[] = [];
    for (const topic of topics) {
      found.push(...(await this.read(topic)));
      if (options.limit !== undefined && found.length >= options.limit) return found.slice(0, options.limit);
    }
    return found;
  }

  /** One dead letter, or undefined when there is none at that place. */
  async show(topic: string, partition: number, offset: string): Promise<DeadLetter | undefined> {
    const letters = await this.read(this.deadLetterTopicOf(topic), { partition, upTo: BigInt(offset) });
    return letters.find((l) => l.partition === partition && l.offset === offset);
  }

  /**
   * Publishes the dead letter again on its original topic (the `dlt-original-topic` header)
   * with its key, the original headers and `dlt-replayed-from`; `value` replaces the payload
   * (a corrected event). The consumers' inboxes make a replay harmless where it was applied.
   */
  async replay(topic: string, partition: number, offset: string, value?: Buffer): Promise<ReplayResult> {
    const letter = await this.show(topic, partition, offset);
    if (!letter) throw new Error(`no dead letter at ${this.deadLetterTopicOf(topic)} partition ${partition} offset ${offset}`);
    if (!letter.originalTopic) throw new Error('the dead letter has no dlt-original-topic header: cannot tell where to replay it');
    const headers = Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlt-')));
    headers['dlt-replayed-from'] = `${letter.topic}/${letter.partition}/${letter.offset}`;
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true });
    await producer.connect();
    try {
      const [sent] = await producer.send({
        topic: letter.originalTopic,
        acks: -1,
        messages: [{ key: letter.key, value: value ?? letter.value, headers }],
      });
      return { topic: letter.originalTopic, partition: sent!.partition, offset: sent!.baseOffset ?? '?' };
    } finally {
      await producer.disconnect();
    }
  }

  /** Reads a topic (one partition, up to an offset, or all of it) from its start to its current end. */
  private async read(topic: string, only: { partition?: number; upTo?: bigint } = {}): Promise<DeadLetter[]> {
    const full = this.prefix + topic;
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `dlt-tool-${randomUUID()}`;
    try {
      const ends = (await admin.fetchTopicOffsets(full)).filter((p) => only.partition === undefined || p.partition === only.partition);
      if (ends.length === 0 && only.partition !== undefined) throw new Error(`${topic} has no partition ${only.partition}`);
      // Where to stop: the last offset wanted of each partition that has any message.
      const stops = new Map<number, bigint>();
      for (const end of ends) {
        let last = BigInt(end.high) - 1n;
        if (only.upTo !== undefined && only.upTo < last) last = only.upTo;
        if (last >= BigInt(end.low)) stops.set(end.partition, last);
      }
      if (stops.size === 0) return [];
      const letters: DeadLetter[] = [];
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: full, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const pending = new Set(stops.keys());
          const timer = setTimeout(() => reject(new Error(`reading ${topic} took over 60 s`)), 60_000);
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const stop = stops.get(partition);
                if (stop === undefined || !pending.has(partition)) return;
                const offset = BigInt(message.offset);
                if (offset <= stop) letters.push(toDeadLetter(topic, partition, message));
                if (offset >= stop) {
                  pending.delete(partition);
                  if (pending.size === 0) {
                    clearTimeout(timer);
                    resolve();
                  }
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  }
}

function toDeadLetter(
  topic: string,
  partition: number,
  message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: IHeaders },
): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    reason: headers[DeadLetterHeaders.Reason] ?? '',
    error: headers[DeadLetterHeaders.Error] ?? '',
    originalTopic: headers[DeadLetterHeaders.OriginalTopic] ?? '',
    originalPartition: headers[DeadLetterHeaders.OriginalPartition] ?? '',
    originalOffset: headers[DeadLetterHeaders.OriginalOffset] ?? '',
    consumer: headers[DeadLetterHeaders.Consumer] ?? '',
    failedAt: headers[DeadLetterHeaders.FailedAt] ?? '',
  };
}
