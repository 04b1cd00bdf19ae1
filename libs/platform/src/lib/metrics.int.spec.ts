import { randomUUID } from 'node:crypto';
import { EventStore, EventStore1764000000000, Transactions } from '@comms-credits/event-store';
import { KafkaPublisher, OutboxRelay, createKafka } from '@comms-credits/messaging';
import { TestDatabase, TestKafka, createTestDatabase, eventually, requiredEnv } from '@comms-credits/testing';
import type { Kafka } from 'kafkajs';
import { ServiceMetrics } from './metrics';

const topic = 'telephony.call-ended';

describe('outbox_backlog_events', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let prefix: string;

  beforeEach(async () => {
    db = await createTestDatabase([EventStore1764000000000], 'metrics');
    prefix = `t${randomUUID().slice(0, 8)}.`;
    kafka = new TestKafka(undefined, prefix);
    await kafka.createTopics([topic]);
  });

  afterEach(async () => {
    await kafka.close();
    await db.drop();
  });

  it("counts from where this instance's leading relay has published, not from the checkpoint it stores once a second", async () => {
    const publisher = new KafkaPublisher(createKafka({ brokers: requiredEnv('TEST_KAFKA_BROKERS').split(','), clientId: `${prefix}relay` }), prefix);
    // The checkpoint is stored only at stop: it trails what went out for the whole test.
    const relay = new OutboxRelay(db.dataSource, publisher, { route: () => topic, idlePollMs: 3_600_000, checkpointIntervalMs: 3_600_000 });
    const metricsOf = () =>
      new ServiceMetrics({
        service: 'probe',
        // No broker for the lag figures: only the backlog is looked at.
        kafka: { admin: () => ({ connect: async () => Promise.reject(new Error('no broker here')) }) } as unknown as Kafka,
        dataSource: db.dataSource,
        groupId: 'probe',
        topics: [],
        topicPrefix: prefix,
      });
    const fromPosition = metricsOf();
    fromPosition.countBacklogFrom(() => relay.position());
    const fromCheckpoint = metricsOf();
    const backlog = async (metrics: ServiceMetrics) => Number(/^outbox_backlog_events\{[^}]*\} (\d+)$/m.exec(await metrics.registry.metrics())?.[1]);
    const store = new EventStore();
    try {
      relay.start();
      await eventually(() => expect(relay.isLeader()).toBe(true));
      await new Transactions(db.dataSource).run((sql) =>
        store.append(
          sql,
          ['a', 'b', 'c'].map((callId) => ({
            streamId: `call:contoso:${callId}`,
            streamType: 'call',
            tenantId: 'contoso',
            expectedVersion: 'no_stream' as const,
            events: [{ type: 'CallEnded', data: { callId, durationSeconds: 1 } }],
          })),
        ),
      );
      relay.nudge();
      await eventually(async () => expect(await kafka.messageCount(topic)).toBe(3));
      expect(await backlog(fromPosition)).toBe(0);
      expect(await backlog(fromCheckpoint)).toBe(3);
      await relay.stop();
      // No longer leading: the stored checkpoint, now where it stopped, is what counts.
      expect(await backlog(fromPosition)).toBe(0);
      expect(await backlog(fromCheckpoint)).toBe(0);
    } finally {
      await relay.stop();
      await publisher.disconnect();
    }
  });
});
