import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Topics } from '@comms-credits/contracts';
import type { GlobalCheckpoint } from '@comms-credits/event-store';
import { ConsumedMessage, ConsumerObserver, DeadLetterReason, MessagePublisher, OutgoingMessage } from '@comms-credits/messaging';
import type { NextFunction, Request, Response } from 'express';
import { Admin, Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';

export interface ServiceMetricsOptions {
  service: string;
  kafka: Kafka;
  dataSource: DataSource;
  groupId: string;
  /** The broker's names of the consumed topics (with any namespace prefix). */
  topics: string[];
  /** The namespace prefix, stripped from topic labels so dashboards work in every environment. */
  topicPrefix: string;
  /** The relay's checkpoint, to count the outbox backlog. */
  relayCheckpoint?: string;
}

/** CallStarted arrivals kept for the decision latency; older or more are forgotten. */
const MAX_PENDING_CALLS = 100_000;
const PENDING_CALL_TTL_MS = 3_600_000;

/**
 * The Prometheus metrics of one service (design.md "Operability"), in a registry of its own
 * so that several services in one test process do not collide. Consumer figures come in
 * through `ConsumerObserver`; lag and the outbox backlog are measured when scraped, so a
 * crashed consumer shows its lag growing instead of its last report.
 */
export class ServiceMetrics implements ConsumerObserver {
  readonly registry = new Registry();
  private readonly processedCounter: Counter<'topic'>;
  private readonly deadLetteredCounter: Counter<'topic' | 'reason'>;
  private readonly chunkHistogram: Histogram<'topic'>;
  private readonly offsetCommits: Counter;
  private readonly relayLatency: Histogram;
  private readonly relayHeldReads: Counter;
  /** This instance's relay's position while it leads (see countBacklogFrom). */
  private relayPosition?: () => GlobalCheckpoint | undefined;
  private readonly admissionLatency: Histogram<'decision'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly pendingCalls = new Map<string, number>();
  private admin?: Admin;

  constructor(private readonly options: ServiceMetricsOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];

    const lag: Gauge<'topic' | 'partition'> = new Gauge({
      name: 'kafka_consumer_lag_messages',
      help: 'Messages between the consumer group committed offset and the end of each partition',
      labelNames: ['topic', 'partition'],
      registers,
      collect: () => this.measureLag(lag),
    });
    this.processedCounter = new Counter({
      name: 'kafka_messages_processed_total',
      help: 'Messages applied (or skipped as repeats) and committed, per topic',
      labelNames: ['topic'],
      registers,
    });
    this.deadLetteredCounter = new Counter({
      name: 'kafka_messages_dead_lettered_total',
      help: 'Messages sent to <topic>.dlt, per topic and dlt-reason',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.chunkHistogram = new Histogram({
      name: 'kafka_consumer_batch_duration_seconds',
      help: 'One chunk of a fetched batch: decoding, the database transaction, dead letters and the offset commit',
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.offsetCommits = new Counter({
      name: 'kafka_offset_commits_total',
      help: 'OffsetCommit requests sent by the consumer (each carries every partition applied since the last one)',
      registers,
    });
    const backlog: Gauge = new Gauge({
      name: 'outbox_backlog_events',
      help: 'Stored events the outbox relay has not gone past yet (counted up to 1,000,000)',
      registers,
      collect: async () => {
        const count = await this.measureBacklog();
        if (count !== undefined) backlog.set(count);
      },
    });
    this.relayHeldReads = new Counter({
      name: 'outbox_relay_held_reads_total',
      help: 'Relay reads that stopped at the horizon with stored events beyond it (an older transaction of this database still in flight)',
      registers,
    });
    this.relayLatency = new Histogram({
      name: 'outbox_relay_latency_seconds',
      help: 'From an event stored to its batch acknowledged by the broker (the oldest event of each batch)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.admissionLatency = new Histogram({
      name: 'admission_decision_latency_seconds',
      help: 'From a CallStarted consumed by this service to the decision on it published by this service',
      labelNames: ['decision'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  // ConsumerObserver

  processed(topic: string, count: number): void {
    this.processedCounter.inc({ topic }, count);
  }

  deadLettered(topic: string, reason: DeadLetterReason): void {
    this.deadLetteredCounter.inc({ topic, reason });
  }

  chunkApplied(topic: string, seconds: number): void {
    this.chunkHistogram.observe({ topic }, seconds);
  }

  offsetsCommitted(): void {
    this.offsetCommits.inc();
  }

  received(message: ConsumedMessage): void {
    if (message.topic !== Topics.CallStarted) return;
    const callId = (message.event as unknown as { callId?: unknown }).callId;
    if (typeof callId === 'string') this.callStarted(message.event.tenantId, callId);
  }

  // Admission latency: the hooks, for code that sees a call start or a decision go out elsewhere.

  /** A CallStarted arrived (the first arrival counts; a redelivery does not restart the clock). */
  callStarted(tenantId: string, callId: string, at = Date.now()): void {
    const key = `${tenantId}\u0000${callId}`;
    if (this.pendingCalls.has(key)) return;
    if (this.pendingCalls.size >= MAX_PENDING_CALLS) this.forgetOldCalls(at);
    this.pendingCalls.set(key, at);
  }

  /** The decision on a call was published: observes the latency if this service saw it start. */
  decisionPublished(tenantId: string, callId: string, decision: string, at = Date.now()): void {
    const key = `${tenantId}\u0000${callId}`;
    const started = this.pendingCalls.get(key);
    if (started === undefined) return;
    this.pendingCalls.delete(key);
    this.admissionLatency.observe({ decision }, Math.max(0, (at - started) / 1_000));
  }

  /** The relay published a batch whose oldest event waited `ageSeconds` since it was stored. */
  relayPublished(_count: number, ageSeconds: number): void {
    this.relayLatency.observe(ageSeconds);
  }

  /** The relay read up to the horizon and found events beyond it, held by an older transaction. */
  relayHeld(): void {
    this.relayHeldReads.inc();
  }

  /** Wraps the relay's publisher: decisions on `calls.decisions` stop the admission clock once acknowledged. */
  watchDecisions(publisher: MessagePublisher): MessagePublisher {
    return {
      publish: async (messages: OutgoingMessage[]) => {
        await publisher.publish(messages);
        const at = Date.now();
        for (const message of messages) {
          if (message.topic !== Topics.CallDecisions) continue;
          try {
            const event = JSON.parse(message.value.toString()) as { tenantId?: unknown; callId?: unknown; type?: unknown };
            if (typeof event.tenantId === 'string' && typeof event.callId === 'string') {
              this.decisionPublished(event.tenantId, event.callId, String(event.type), at);
            }
          } catch {
            // Our own envelope, always JSON; a metric is never worth failing a publish for.
          }
        }
      },
    };
  }

  /** Express middleware: counts and times every request by its route pattern (never the raw path: ids would explode the series). */
  httpMiddleware() {
    return (request: Request, response: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      response.on('finish', () => {
        const route = request.route?.path ? `${request.baseUrl ?? ''}${request.route.path}` : 'unmatched';
        const labels = { method: request.method, route };
        this.httpRequests.inc({ ...labels, status: String(response.statusCode) });
        this.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private forgetOldCalls(now: number): void {
    for (const [key, at] of this.pendingCalls) {
      if (now - at < PENDING_CALL_TTL_MS && this.pendingCalls.size < MAX_PENDING_CALLS) break;
      this.pendingCalls.delete(key);
    }
  }

  private async measureLag(gauge: Gauge<'topic' | 'partition'>): Promise<void> {
    const { topics, groupId, topicPrefix } = this.options;
    if (topics.length === 0) return;
    try {
      this.admin ??= this.options.kafka.admin();
      const admin = this.admin;
      const lag = await withTimeout(
        (async () => {
          await admin.connect();
          const [committed, ...ends] = await Promise.all([admin.fetchOffsets({ groupId, topics }), ...topics.map((topic) => admin.fetchTopicOffsets(topic))]);
          const rows: { topic: string; partition: number; lag: number }[] = [];
          topics.forEach((topic, i) => {
            const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
            for (const end of ends[i] ?? []) {
              const at = done.find((p) => p.partition === end.partition)?.offset ?? '-1';
              // No commit yet: everything from the start of the log is still to be read.
              const from = at === '-1' ? BigInt(end.low) : BigInt(at);
              rows.push({ topic: topic.slice(topicPrefix.length), partition: end.partition, lag: Number(BigInt(end.high) - from) });
            }
          });
          return rows;
        })(),
        2_000,
      );
      gauge.reset();
      for (const row of lag) gauge.set({ topic: row.topic, partition: String(row.partition) }, Math.max(0, row.lag));
    } catch {
      // The broker does not answer: readiness says so; the last figures stay.
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
    }
  }

  /**
   * Where this instance's relay has published up to while it leads: the backlog is counted from
   * there, not from the stored checkpoint, which trails it by up to a second (OutboxRelay).
   * When another instance leads, the stored checkpoint is all there is to go by.
   */
  countBacklogFrom(position: () => GlobalCheckpoint | undefined): void {
    this.relayPosition = position;
  }

  private async measureBacklog(): Promise<number | undefined> {
    const position = this.relayPosition?.();
    try {
      const [row] = (await withTimeout(
        position
          ? this.options.dataSource.query(
              `SELECT count(*)::int AS backlog FROM (
                 SELECT 1 FROM es_events e WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) LIMIT 1000000) pending`,
              [position.transactionId, position.globalPosition],
            )
          : this.options.dataSource.query(
              `SELECT count(*)::int AS backlog FROM (
                 SELECT 1 FROM es_events e
                  WHERE (e.transaction_id, e.global_position) > (
                    COALESCE((SELECT transaction_id FROM es_checkpoints WHERE processor = $1), '0'::xid8),
                    COALESCE((SELECT global_position FROM es_checkpoints WHERE processor = $1), 0))
                  LIMIT 1000000) pending`,
              [this.options.relayCheckpoint ?? 'outbox'],
            ),
        2_000,
      )) as { backlog: number }[];
      return row?.backlog;
    } catch {
      return undefined;
    }
  }
}

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: consumer lag, messages processed and dead-lettered, outbox, admission latency, HTTP, process' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}
