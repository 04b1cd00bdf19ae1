import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_SUFFIX, DeadLetterFacts, DeadLetterHeaders } from '@comms-credits/contracts';
import { IHeaders, Kafka, Partitioners } from 'kafkajs';

/**
 * A message of a `.dlt` topic: its facts (where it sits there and what the consumer said, as
 * the contract's `DeadLetterFacts` that the ops console reads), its value and its headers.
 */
export interface DeadLetter extends DeadLetterFacts {
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The letter's facts (a line of a list: `npm run -s dlt list`, `GET /dead-letters`), always in this order. */
export function deadLetterFacts(letter: DeadLetter): DeadLetterFacts {
  return {
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key,
    reason: letter.reason,
    error: letter.error,
    originalTopic: letter.originalTopic,
    originalPartition: letter.originalPartition,
    originalOffset: letter.originalOffset,
    consumer: letter.consumer,
    failedAt: letter.failedAt,
  };
}

export interface ReplayResult {
  /** The broker topic it was published to (the original one, with any namespace prefix). */
  topic: string;
  partition: number;
  offset: string;
}

/** Where a page of dead letters stops: the last one listed (letters are ordered by topic, partition, offset). */
export interface DeadLetterPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** The last item when more may follow (pass it as `after`), else null. */
  next: DeadLetterPosition | null;
}

/** No dead letter at the place asked for (`show`, `replay`). */
export class DeadLetterNotFoundError extends Error {}

/** A dead letter that cannot be replayed as asked (no original topic, or one that is not its topic's). */
export class DeadLetterNotReplayableError extends Error {}

/**
 * Operator tooling over the dead-letter topics (`<topic>.dlt`): list them (paged), show one,
 * and replay one to its original topic after a fix, with its original key and headers (minus
 * the `dlt-*` ones) and optionally a corrected value. Reads with a throw-away consumer group that
 * is deleted afterwards, so it never moves a service's offsets. Used by `npm run -s dlt` and by
 * the reporting service's `/dead-letters` API.
 */
export class DeadLetterTool {
  constructor(
    private readonly kafka: Kafka,
    /** The namespace prefix of the services (KAFKA_TOPIC_PREFIX); empty in production. */
    private readonly prefix = '',
    /** Longest wait for one read of a topic to reach its end. */
    private readonly readTimeoutMs = 60_000,
  ) {}

  /** `telephony.call-started`, `telephony.call-started.dlt` or the prefixed names → the contract's DLT name. */
  deadLetterTopicOf(topic: string): string {
    const bare = this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
    return bare.endsWith(DEAD_LETTER_SUFFIX) ? bare : `${bare}${DEAD_LETTER_SUFFIX}`;
  }

  /** The contract name of the topic a dead-letter topic belongs to (`x.dlt` → `x`). */
  originalTopicOf(deadLetterTopic: string): string {
    const dlt = this.deadLetterTopicOf(deadLetterTopic);
    return dlt.slice(0, dlt.length - DEAD_LETTER_SUFFIX.length);
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

  /**
   * One page of dead letters in (topic, partition, offset) order, starting after `after`: reads
   * at most `limit + 1` messages of each partition it visits, from where the page starts, so a
   * page costs the same however many letters come before it.
   */
  async page(options: { topic?: string; limit: number; after?: DeadLetterPosition }): Promise<DeadLetterPage> {
    const { limit, after } = options;
    const all = options.topic ? [this.deadLetterTopicOf(options.topic)] : await this.topics();
    const existing = options.topic ? new Set(await this.topics()) : new Set(all);
    const topics = all.filter((t) => existing.has(t) && (!after || t >= after.topic));
    const found: DeadLetter[] = [];
    for (const topic of topics) {
      const want = limit + 1 - found.length;
      const from = after && after.topic === topic ? { partition: after.partition, offset: BigInt(after.offset) + 1n } : undefined;
      found.push(...(await this.read(topic, { from, atMost: want })).slice(0, want));
      if (found.length > limit) break;
    }
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return { items, next: found.length > limit && last ? { topic: last.topic, partition: last.partition, offset: last.offset } : null };
  }

  /** One dead letter, or undefined when there is none at that place. */
  async show(topic: string, partition: number, offset: string): Promise<DeadLetter | undefined> {
    const dlt = this.deadLetterTopicOf(topic);
    if (!(await this.topics()).includes(dlt)) return undefined;
    const partitions = await this.partitionsOf(dlt);
    if (!partitions.includes(partition)) return undefined;
    const letters = await this.read(dlt, { only: partition, from: { partition, offset: BigInt(offset) }, atMost: 1 });
    return letters.find((l) => l.partition === partition && l.offset === offset);
  }

  /**
   * Publishes the dead letter again on its original topic (the `dlt-original-topic` header, which
   * must be the topic this dead-letter topic belongs to) with its key, the original headers and
   * `dlt-replayed-from`; `value` replaces the payload (a corrected event). The consumers'
   * inboxes make a replay harmless where it was applied.
   */
  async replay(topic: string, partition: number, offset: string, value?: Buffer): Promise<ReplayResult & { letter: DeadLetter }> {
    const letter = await this.show(topic, partition, offset);
    if (!letter) throw new DeadLetterNotFoundError(`no dead letter at ${this.deadLetterTopicOf(topic)} partition ${partition} offset ${offset}`);
    if (!letter.originalTopic) throw new DeadLetterNotReplayableError('the dead letter has no dlt-original-topic header: cannot tell where to replay it');
    const expected = this.prefix + this.originalTopicOf(letter.topic);
    if (letter.originalTopic !== expected) {
      throw new DeadLetterNotReplayableError(`the dead letter names ${letter.originalTopic} as its topic, not ${expected}: refusing to publish it elsewhere`);
    }
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
      return { topic: letter.originalTopic, partition: sent!.partition, offset: sent!.baseOffset ?? '?', letter };
    } finally {
      await producer.disconnect();
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(this.prefix + topic)).map((p) => p.partition);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads a topic from its start (or from `from`: that partition from that offset, later
   * partitions from their start, earlier ones not at all) to its current end, at most `atMost`
   * messages per partition; `only` reads one partition.
   */
  private async read(topic: string, options: { only?: number; from?: { partition: number; offset: bigint }; atMost?: number } = {}): Promise<DeadLetter[]> {
    const { only, from, atMost } = options;
    const full = this.prefix + topic;
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `dlt-tool-${randomUUID()}`;
    try {
      const ends = (await admin.fetchTopicOffsets(full)).filter(
        (p) => (only === undefined || p.partition === only) && (!from || p.partition >= from.partition),
      );
      // Where to start and stop in each partition that has a message wanted.
      const ranges = new Map<number, { start: bigint; last: bigint; count: number }>();
      for (const end of ends) {
        const low = BigInt(end.low);
        const start = from && end.partition === from.partition && from.offset > low ? from.offset : low;
        const last = BigInt(end.high) - 1n;
        if (last >= start) ranges.set(end.partition, { start, last, count: 0 });
      }
      if (ranges.size === 0) return [];
      const letters: DeadLetter[] = [];
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: full, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const pending = new Set(ranges.keys());
          const timer = setTimeout(() => reject(new Error(`reading ${topic} took over ${Math.round(this.readTimeoutMs / 1000)} s`)), this.readTimeoutMs);
          const done = (partition: number) => {
            pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          };
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const range = ranges.get(partition);
                if (range === undefined || !pending.has(partition)) return;
                const offset = BigInt(message.offset);
                if (offset < range.start) return;
                if (offset <= range.last) {
                  letters.push(toDeadLetter(topic, partition, message));
                  range.count += 1;
                }
                if (offset >= range.last || (atMost !== undefined && range.count >= atMost)) done(partition);
              },
            })
            .then(() => {
              // Start where the page starts, not at the beginning of the partition.
              for (const [partition, range] of ranges) consumer.seek({ topic: full, partition, offset: range.start.toString() });
            })
            .catch((error: unknown) => {
              clearTimeout(timer);
              reject(error);
            });
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

function toDeadLetter(topic: string, partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: IHeaders }): DeadLetter {
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

/** The payload as JSON when it is, else as text, else base64 (a dead letter can be any bytes). */
export function readablePayload(value: Buffer | null): unknown {
  if (value === null) return null;
  const text = value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(value)) return { base64: value.toString('base64') };
  try {
    const parsed: unknown = JSON.parse(text);
    JSON.stringify(parsed); // recursive: a hostile 5,000-level payload is shown as text instead
    return parsed;
  } catch {
    return text;
  }
}

/**
 * The first `max` characters of the payload for a list: its UTF-8 text with control characters
 * shown as `\uXXXX` (never raw bytes into a terminal or a page), or `base64:` and the start of
 * its base64 when it is not UTF-8; `…` when cut.
 */
export function payloadPreview(value: Buffer | null, max = 200): { text: string | null; truncated: boolean; bytes: number } {
  if (value === null) return { text: null, truncated: false, bytes: 0 };
  const head = value.subarray(0, max * 4);
  const whole = value.length <= head.length;
  let decoded: string | null;
  try {
    // fatal: not UTF-8 throws; stream: a character cut at the end of the head is left out.
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
  } catch {
    decoded = null;
  }
  let text =
    decoded === null
      ? `base64:${head.subarray(0, Math.ceil(max / 4) * 3).toString('base64')}`
      : // eslint-disable-next-line no-control-regex -- control characters are what it escapes
        decoded.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const truncated = !whole || text.length > max;
  if (text.length > max) text = text.slice(0, max);
  return { text: truncated ? `${text}…` : text, truncated, bytes: value.length };
}
