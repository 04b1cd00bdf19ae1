import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { eventually } from './eventually';

export interface ReceivedMessage {
  topic: string;
  key: string | null;
  value: string;
  /** The value parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  headers: Record<string, string>;
}

/** A plain kafkajs client for tests: publish raw or JSON values, and collect what a topic receives. */
export class TestKafka {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly consumers: Consumer[] = [];

  constructor(
    brokers = requiredEnv('TEST_KAFKA_BROKERS'),
    /** The topic namespace of the services under test. */
    readonly prefix = '',
  ) {
    this.kafka = new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  }

  /** Publishes values (objects become JSON, strings/Buffers go as they are), keyed by tenant. */
  async publish(topic: string, values: (object | string | Buffer)[], key?: string): Promise<void> {
    this.producer ??= this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.producer.send({
      topic: this.prefix + topic,
      acks: -1,
      messages: values.map((value) => ({
        key: key ?? (typeof value === 'object' && !Buffer.isBuffer(value) ? String((value as { tenantId?: unknown }).tenantId ?? '') : ''),
        value: typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value),
      })),
    });
  }

  /** Publishes messages exactly as given: any bytes, a null value (a tombstone), headers. */
  async publishRaw(topic: string, messages: { key: string | null; value: Buffer | string | null; headers?: Record<string, string> }[]): Promise<void> {
    this.producer ??= this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.producer.send({ topic: this.prefix + topic, acks: -1, messages });
  }

  /** Starts collecting a topic from its beginning; resolves once the consumer has joined. */
  async collect(topic: string): Promise<Collector> {
    const consumer = this.kafka.consumer({ groupId: `test-collector-${randomUUID()}`, maxWaitTimeInMs: 50 });
    this.consumers.push(consumer);
    const collector = new Collector();
    await consumer.connect();
    await consumer.subscribe({ topic: this.prefix + topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic: from, message }) => {
        const value = message.value?.toString() ?? '';
        collector.messages.push({
          topic: from.slice(this.prefix.length),
          key: message.key?.toString() ?? null,
          value,
          json: parseJson(value),
          headers: headersOf(message.headers),
        });
      },
    });
    await joined;
    return collector;
  }

  /** Creates the namespace's topics (each with its .dlt) like a service does at start-up. */
  async createTopics(topics: readonly string[], partitions = 2): Promise<void> {
    const names = topics.flatMap((t) => [t, `${t}.dlt`]).map((t) => this.prefix + t);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: false, topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })) });
      await eventually(
        async () => {
          const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
          if (!found.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) throw new Error('no leaders yet');
        },
        { timeoutMs: 60_000, message: 'new topics got no leaders' },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** How many messages a topic holds (high watermarks summed over partitions). */
  async messageCount(topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.prefix + topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** The offsets a consumer group has committed on a topic, by partition (-1: none yet). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [this.prefix + topic] });
      return new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Sets a consumer group (with no members) at the end of a topic, as a group that has read all of it. */
  async commitToEnd(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.prefix + topic);
      const partitions = ends.map((p) => ({ partition: p.partition, offset: p.high }));
      await admin.setOffsets({ groupId, topic: this.prefix + topic, partitions });
      return new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Whether a consumer group has ever committed a position on a topic, on any partition. */
  async hasCommitted(groupId: string, topic: string): Promise<boolean> {
    return [...(await this.committedOffsets(groupId, topic)).values()].some((offset) => offset >= 0n);
  }

  /** The member ids of a consumer group that is Stable (empty while it rebalances). */
  async groupMembers(groupId: string): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return group?.state === 'Stable' ? group.members.map((m) => m.memberId) : [];
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until a consumer group has committed every partition of a topic to its end. */
  async waitUntilCaughtUp(groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(this.prefix + topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [this.prefix + topic] });
          for (const end of ends) {
            const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            if (BigInt(at === '-1' ? 0 : at) < BigInt(end.high)) {
              throw new Error(`partition ${end.partition} committed at ${at} of ${end.high}`);
            }
          }
        },
        { timeoutMs, intervalMs: 100, message: `group ${groupId} did not catch up on ${topic}` },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer?.disconnect();
  }
}

export class Collector {
  readonly messages: ReceivedMessage[] = [];

  /** Waits until `count` messages match, and returns them. */
  async waitFor(predicate: (m: ReceivedMessage) => boolean, count = 1, timeoutMs = 30_000): Promise<ReceivedMessage[]> {
    return eventually(
      () => {
        const found = this.messages.filter(predicate);
        if (found.length < count) throw new Error(`${found.length} of ${count} expected messages seen (${this.messages.length} in all)`);
        return found;
      },
      { timeoutMs, message: 'messages did not arrive' },
    );
  }
}

function parseJson(value: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests with jest -c jest.int.config.js`);
  return value;
}
