/**
 * What the suite sees of the broker: the decisions as they arrive (for timings), the consumer
 * groups' committed offsets and assignments (for lag and recovery), and a full read of a topic
 * at the end (for counting).
 */
import { Admin, AssignerProtocol, Consumer, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';

export const OBSERVER_PREFIX = 'chaos-observer-';

export interface SeenDecision {
  partition: number;
  offset: string;
  at: number;
  json: Record<string, unknown> | undefined;
}

export class Observer {
  readonly kafka: Kafka;
  private admin?: Admin;
  private producer?: Producer;
  private consumer?: Consumer;
  /** Decisions as they arrived, deduplicated by partition/offset (a restarted consumer re-reads). */
  readonly decisions: SeenDecision[] = [];
  private readonly seen = new Set<string>();
  readonly firstDecisionAt = new Map<string, number>();

  constructor(brokers: string) {
    this.kafka = new Kafka({
      clientId: 'chaos-observer',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 12, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Runs an admin call, reconnecting once if the broker went away meanwhile. */
  async withAdmin<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await call(await this.adminClient());
    } catch (error) {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
      throw error;
    }
  }

  /** Publishes, retrying while the broker is away (the load goes on through a broker restart). */
  async publish(topic: string, messages: { key: string | null; value: Buffer | string | null }[]): Promise<number> {
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        if (!this.producer) {
          const producer = this.kafka.producer({
            createPartitioner: Partitioners.DefaultPartitioner,
            allowAutoTopicCreation: false,
            idempotent: true,
            maxInFlightRequests: 1,
          });
          await producer.connect();
          this.producer = producer;
        }
        await this.producer.send({ topic, acks: -1, messages });
        return attempts;
      } catch {
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        if (attempts > 600) throw new Error(`could not publish to ${topic} for 5 minutes`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Follows calls.decisions from its beginning, noting when each arrives. */
  async followDecisions(topic: string): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${OBSERVER_PREFIX}${Date.now()}`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = `${partition}/${message.offset}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const at = Date.now();
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(message.value?.toString() ?? '');
        } catch {
          json = undefined;
        }
        this.decisions.push({ partition, offset: message.offset, at, json });
        const callId = json?.['callId'];
        if (typeof callId === 'string' && !this.firstDecisionAt.has(callId)) this.firstDecisionAt.set(callId, at);
      },
    });
  }

  /** The first decision that arrived after `since` (on one of `partitions`, if given). */
  firstDecisionAfter(since: number, partitions?: Set<number>): number | undefined {
    let first: number | undefined;
    for (const d of this.decisions) {
      if (d.at <= since || (partitions && !partitions.has(d.partition))) continue;
      if (first === undefined || d.at < first) first = d.at;
    }
    return first;
  }

  /** Every message of a topic, read from the beginning to the high watermarks taken now. */
  async readAll(topic: string): Promise<{ partition: number; offset: string; key: string | null; value: Buffer | null; headers: Record<string, string> }[]> {
    const ends = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    const out: { partition: number; offset: string; key: string | null; value: Buffer | null; headers: Record<string, string> }[] = [];
    if (remaining.size === 0) return out;
    const groupId = `${OBSERVER_PREFIX}read-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${topic} took more than 120 s`)), 120_000);
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              out.push({
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                value: message.value ?? null,
                headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')])),
              });
              if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
    return out;
  }

  /** The services' consumer groups (not ours). */
  async serviceGroups(): Promise<string[]> {
    const { groups } = await this.withAdmin((admin) => admin.listGroups());
    return groups.filter((g) => g.protocolType === 'consumer' && !g.groupId.startsWith(OBSERVER_PREFIX)).map((g) => g.groupId);
  }

  /** Which partitions each member (by client id) of a group holds, and the topics the group subscribes. */
  async assignment(groupId: string): Promise<{ state: string; members: Map<string, Map<string, number[]>>; topics: Set<string> }> {
    const { groups } = await this.withAdmin((admin) => admin.describeGroups([groupId]));
    const group = groups[0];
    const members = new Map<string, Map<string, number[]>>();
    const topics = new Set<string>();
    for (const member of group?.members ?? []) {
      const meta = member.memberMetadata.length ? AssignerProtocol.MemberMetadata.decode(member.memberMetadata) : null;
      meta?.topics.forEach((t) => topics.add(t));
      const assigned = member.memberAssignment.length ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
      const byTopic = new Map<string, number[]>();
      for (const [topic, partitions] of Object.entries(assigned?.assignment ?? {})) {
        byTopic.set(topic, partitions);
        topics.add(topic);
      }
      const previous = members.get(member.clientId);
      if (previous) for (const [t, p] of byTopic) previous.set(t, [...(previous.get(t) ?? []), ...p]);
      else members.set(member.clientId, byTopic);
    }
    return { state: group?.state ?? 'Unknown', members, topics };
  }

  /** Committed offsets of a group: `topic/partition` → offset (-1 when none). */
  async committed(groupId: string, topics?: string[]): Promise<Map<string, bigint>> {
    const result = await this.withAdmin((admin) => (topics ? admin.fetchOffsets({ groupId, topics }) : admin.fetchOffsets({ groupId })));
    const out = new Map<string, bigint>();
    for (const t of result) for (const p of t.partitions) out.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
    return out;
  }

  async highWatermarks(topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    return new Map(offsets.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }]));
  }

  /**
   * Lag of every service group on every topic it consumes (subscribed now, or committed on
   * before): the messages between its committed offset and the end of each partition.
   */
  async lag(expectedGroups: string[]): Promise<{ total: number; detail: string[] }> {
    const detail: string[] = [];
    let total = 0;
    const highs = new Map<string, Map<number, { low: bigint; high: bigint }>>();
    for (const groupId of expectedGroups) {
      const { topics } = await this.assignment(groupId);
      const committed = await this.committed(groupId);
      for (const key of committed.keys()) topics.add(key.slice(0, key.lastIndexOf('/')));
      if (topics.size === 0) {
        detail.push(`${groupId}: no members and no offsets`);
        total += 1;
        continue;
      }
      for (const topic of topics) {
        if (!highs.has(topic)) highs.set(topic, await this.highWatermarks(topic));
        for (const [partition, { low, high }] of highs.get(topic)!) {
          const at = committed.get(`${topic}/${partition}`) ?? -1n;
          const lag = Number(high - (at < 0n ? low : at));
          if (lag > 0) {
            total += lag;
            detail.push(`${groupId} ${topic}/${partition}: ${lag}`);
          }
        }
      }
    }
    return { total, detail };
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }
}
