/**
 * Upstream telephony for the benchmark: publishes CallStarted (open loop: the offered rate does
 * not wait for the system), reads calls.decisions and sends each call's CallEnded as soon as its
 * decision arrives, and follows the services' own topics to time every hop of the chain.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@comms-credits/contracts';
import { Consumer, EachBatchPayload, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { Decision } from './books';
import { TenantPlan } from './api';

/** Numbers valid for their country (libphonenumber), by where the call should go. */
const ZONE_A = [
  ['US', '+14255550123'],
  ['US', '+12125550187'],
  ['FR', '+33142685300'],
  ['GB', '+442079460000'],
  ['DE', '+493012345678'],
  ['JP', '+81312345678'],
] as const;
const NOT_ZONE_A = [
  ['EG', '+20223456789'],
  ['AR', '+541141234567'],
  ['NG', '+2348031234567'],
] as const;
const DOMESTIC_US = [
  ['US', '+13105550142'],
  ['US', '+14255550123'],
] as const;

export type CallKind = 'pool' | 'credits' | 'calling-plan';

/** A point of a call's path: when its event was stored by the service, and when it was on Kafka (record timestamp). */
export interface HopPoint {
  storedAt: number;
  onKafkaAt: number;
  receivedAt: number;
}

export interface CallRecord {
  tenantId: string;
  callId: string;
  kind: CallKind;
  destinationCountry: string;
  month: string;
  durationSeconds: number;
  phase: string;
  publishedAt: number;
  decidedAt?: number;
  decision?: Decision;
  duplicateDecisions: number;
  endSentAt?: number;
  hops: Partial<Record<'PoolReferred' | 'CallCleared' | 'CallEntitled' | 'CallHandedToWallet' | 'decision', HopPoint>>;
}

export interface Mix {
  pool: number;
  credits: number;
  callingPlan: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export class Telephony {
  readonly calls = new Map<string, CallRecord>();
  private readonly producer: Producer;
  private decisions?: Consumer;
  private hops?: Consumer;
  private readonly pendingSends = new Set<Promise<unknown>>();
  decisionsReceived = 0;
  endsSent = 0;
  sendErrors = 0;
  private readonly kafka: Kafka;
  private readonly tenantById: Map<string, TenantPlan>;

  constructor(
    brokers: string,
    private readonly tenants: TenantPlan[],
    private readonly mix: Mix,
    private readonly durations: { min: number; max: number },
    private readonly followHops: boolean,
  ) {
    this.tenantById = new Map(tenants.map((t) => [t.tenantId, t]));
    this.kafka = new Kafka({ clientId: `bench-e2e-${process.pid}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    const group = `bench-e2e-${process.pid}-${Date.now()}`;
    this.decisions = this.kafka.consumer({ groupId: `${group}-decisions`, maxWaitTimeInMs: 20, sessionTimeout: 30_000 });
    await this.decisions.connect();
    // From the beginning, with a fresh group: a member dropped and rejoined under load (it
    // happens on a starved machine) resumes from its commits and never skips to the end. Older
    // decisions are read once and ignored (not our calls).
    await this.decisions.subscribe({ topic: Topics.CallDecisions, fromBeginning: true });
    const joined = once(this.decisions);
    await this.decisions.run({ partitionsConsumedConcurrently: 3, eachBatch: (payload) => this.onDecisions(payload) });
    await joined;
    if (this.followHops) {
      this.hops = this.kafka.consumer({ groupId: `${group}-hops`, maxWaitTimeInMs: 20, sessionTimeout: 30_000 });
      await this.hops.connect();
      await this.hops.subscribe({ topics: [Topics.DialoutPolicyEvents, Topics.LicensingEvents, Topics.PoolLedgerEvents], fromBeginning: true });
      const hopsJoined = once(this.hops);
      await this.hops.run({ partitionsConsumedConcurrently: 3, eachBatch: (payload) => this.onHops(payload) });
      await hopsJoined;
    }
    await this.catchUp([Topics.CallDecisions, ...(this.followHops ? [Topics.DialoutPolicyEvents, Topics.LicensingEvents, Topics.PoolLedgerEvents] : [])]);
  }

  /** Position reached per topic-partition by our consumers (next offset to read). */
  private readonly reached = new Map<string, bigint>();

  /** Waits until the consumers have read past the history the topics held at start, before the first call is timed. */
  private async catchUp(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const targets = new Map<string, bigint>();
    try {
      for (const topic of topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(high) > BigInt(low)) targets.set(`${topic}:${partition}`, BigInt(high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    const deadline = Date.now() + 120_000;
    while ([...targets].some(([key, high]) => (this.reached.get(key) ?? 0n) < high) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private progress(batch: EachBatchPayload['batch']): void {
    const last = batch.messages[batch.messages.length - 1];
    if (last) this.reached.set(`${batch.topic}:${batch.partition}`, BigInt(last.offset) + 1n);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pendingSends]);
    await this.decisions?.disconnect();
    await this.hops?.disconnect();
    await this.producer.disconnect();
  }

  /** A new call of the mix for a random tenant. */
  plan(phase: string): CallRecord {
    const plan = pick(this.tenants);
    const roll = Math.random() * (this.mix.pool + this.mix.credits + this.mix.callingPlan);
    const kind: CallKind = roll < this.mix.pool ? 'pool' : roll < this.mix.pool + this.mix.credits ? 'credits' : 'calling-plan';
    const [country] = kind === 'pool' ? pick(ZONE_A) : kind === 'credits' ? pick(NOT_ZONE_A) : pick(DOMESTIC_US);
    const { min, max } = this.durations;
    return {
      tenantId: plan.tenantId,
      callId: `e2e-${randomUUID()}`,
      kind,
      destinationCountry: country,
      month: new Date().toISOString().slice(0, 7),
      durationSeconds: min + Math.floor(Math.random() * (max - min + 1)),
      phase,
      publishedAt: 0,
      duplicateDecisions: 0,
      hops: {},
    };
  }

  /** Publishes the calls' CallStarted in one request, without waiting for it (open loop). */
  publish(records: CallRecord[]): void {
    if (records.length === 0) return;
    const now = Date.now();
    const occurredAt = new Date(now).toISOString();
    const messages = records.map((record) => {
      const plan = this.tenantById.get(record.tenantId)!;
      record.publishedAt = now;
      record.month = occurredAt.slice(0, 7);
      this.calls.set(record.callId, record);
      const base = { eventId: randomUUID(), type: 'CallStarted', version: 1, occurredAt, tenantId: record.tenantId, callId: record.callId };
      const numbers = record.kind === 'pool' ? ZONE_A : record.kind === 'credits' ? NOT_ZONE_A : DOMESTIC_US;
      const to = pick(numbers.filter(([c]) => c === record.destinationCountry))[1];
      const event =
        record.kind === 'calling-plan'
          ? { ...base, callType: 'user_out', userId: pick(plan.callers), from: '+14255550100', to }
          : { ...base, callType: 'conf_out', userId: pick(plan.organizers), from: '+14255550100', to, meetingId: `m-${Math.floor(Math.random() * 1000)}` };
      return { key: record.tenantId, value: JSON.stringify(event) };
    });
    this.send(Topics.CallStarted, messages);
  }

  private send(topic: string, messages: { key: string; value: string }[]): void {
    for (let i = 0; i < messages.length; i += 1_000) {
      const promise = this.producer
        .send({ topic, acks: -1, messages: messages.slice(i, i + 1_000) })
        .catch(() => this.sendErrors++)
        .finally(() => this.pendingSends.delete(promise));
      this.pendingSends.add(promise);
    }
  }

  private async onDecisions({ batch }: EachBatchPayload): Promise<void> {
    const receivedAt = Date.now();
    this.progress(batch);
    const ends: { key: string; value: string }[] = [];
    for (const message of batch.messages) {
      const decision = JSON.parse(message.value?.toString() ?? '{}') as Decision & { callId?: string; occurredAt?: string };
      const record = decision.callId ? this.calls.get(decision.callId) : undefined;
      if (!record) continue;
      if (record.decision) {
        record.duplicateDecisions++;
        continue;
      }
      this.decisionsReceived++;
      record.decision = decision;
      record.decidedAt = receivedAt;
      record.hops.decision = { storedAt: Date.parse(decision.occurredAt ?? ''), onKafkaAt: Number(message.timestamp), receivedAt };
      // Telephony hangs up: a rejected call at once, an admitted one after its (reported) duration.
      const seconds = decision.type === 'CallRejected' ? 0 : record.durationSeconds;
      record.endSentAt = receivedAt;
      ends.push({
        key: record.tenantId,
        value: JSON.stringify({
          eventId: randomUUID(),
          type: 'CallEnded',
          version: 1,
          occurredAt: new Date(receivedAt).toISOString(),
          tenantId: record.tenantId,
          callId: record.callId,
          durationSeconds: seconds,
        }),
      });
    }
    this.endsSent += ends.length;
    this.send(Topics.CallEnded, ends);
  }

  private async onHops({ batch }: EachBatchPayload): Promise<void> {
    const receivedAt = Date.now();
    this.progress(batch);
    for (const message of batch.messages) {
      const eventType = message.headers?.['event-type']?.toString();
      // The pool's referral to licensing (since session 10 the pool is the front door).
      const type = eventType === 'CallReferred' && batch.topic.endsWith(Topics.PoolLedgerEvents) ? 'PoolReferred' : eventType;
      if (type !== 'PoolReferred' && type !== 'CallCleared' && type !== 'CallEntitled' && type !== 'CallHandedToWallet') continue;
      const event = JSON.parse(message.value?.toString() ?? '{}') as { callId?: string; occurredAt?: string };
      const record = event.callId ? this.calls.get(event.callId) : undefined;
      if (!record || record.hops[type]) continue;
      record.hops[type] = { storedAt: Date.parse(event.occurredAt ?? ''), onKafkaAt: Number(message.timestamp), receivedAt };
    }
  }

  pendingEnds(): number {
    return this.pendingSends.size;
  }
}

function once(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
}
