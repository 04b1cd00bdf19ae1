/**
 * `npm run bench:core`: events per second through the event core — consume (kafkajs eachBatch)
 * → inbox → decide → append → project, committed per chunk — beside, in the same run and on
 * the same messages, raw kafkajs consumption and a raw batched PostgreSQL insert of the same
 * event rows. Prints the three figures and the ratios.
 *
 * BENCH_EVENTS (default 50000) messages; BENCH_CHUNK (default 500) messages per transaction.
 * Uses KAFKA_BROKERS / TEST_POSTGRES_URL when set, else starts the broker of infra/kafka.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { CallLog1764000000100, CallLogCommand, callLogDecider, callLogProjection, callStream, callStreamId } from '@comms-credits/call-log';
import { CallStarted, Topics, telephonySchemas } from '@comms-credits/contracts';
import { EventStore, EventStore1764000000000, Transactions, decideAndAppendBatch } from '@comms-credits/event-store';
import { KafkaBatchConsumer, KafkaPublisher, createKafka, inboxApplier } from '@comms-credits/messaging';
import { TestKafka, callStarted, createTestDatabase, startTestInfrastructure } from '@comms-credits/testing';
import { Kafka, logLevel } from 'kafkajs';

const N = Number(process.env['BENCH_EVENTS'] ?? 50_000);
const CHUNK = Number(process.env['BENCH_CHUNK'] ?? 500);
const PARTITIONS = 3;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? PARTITIONS);

async function main(): Promise<void> {
  const infra =
    process.env['KAFKA_BROKERS'] && process.env['TEST_POSTGRES_URL']
      ? { kafkaBrokers: process.env['KAFKA_BROKERS'], postgresUrl: process.env['TEST_POSTGRES_URL'], stop: async () => undefined }
      : await startTestInfrastructure((line) => console.log(line));
  process.env['TEST_KAFKA_BROKERS'] = infra.kafkaBrokers;
  process.env['TEST_POSTGRES_URL'] = infra.postgresUrl;
  const prefix = `bench${randomUUID().slice(0, 6)}.`;
  const testKafka = new TestKafka(infra.kafkaBrokers, prefix);
  const db = await createTestDatabase([EventStore1764000000000, CallLog1764000000100], 'bench');
  try {
    await testKafka.createTopics([Topics.CallStarted], PARTITIONS);
    const events = Array.from({ length: N }, (_, i) =>
      callStarted({ tenantId: `tenant-${i % 200}`, callId: `call-${i}`, to: i % 2 ? '+33142685300' : '+442079460000' }),
    );
    console.log(`producing ${N} CallStarted messages over ${PARTITIONS} partitions…`);
    for (let i = 0; i < N; i += 5_000) await testKafka.publish(Topics.CallStarted, events.slice(i, i + 5_000));

    const rawKafka = await measureRawKafka(infra.kafkaBrokers, prefix);
    const rawPg = await measureRawPostgres(db.dataSource, events);
    const core = await measureCore(infra.kafkaBrokers, prefix, db.dataSource);

    const rate = (ms: number) => Math.round((N / ms) * 1000);
    console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`events: ${N}, chunk: ${CHUNK} messages per transaction, ${CONCURRENCY} partitions at once\n`);
    console.table({
      'raw kafkajs consume (eachBatch, JSON.parse)': { 'events/s': rate(rawKafka), ms: rawKafka },
      'raw batched PostgreSQL insert (same rows)': { 'events/s': rate(rawPg), ms: rawPg },
      'core: consume → inbox → decide → append → project': { 'events/s': rate(core), ms: core },
    });
    console.log(`core / raw kafkajs = ${(rawKafka / core).toFixed(2)}   core / raw PostgreSQL = ${(rawPg / core).toFixed(2)}`);
  } finally {
    await testKafka.close();
    await db.drop();
    await infra.stop();
  }
}

async function measureRawKafka(brokers: string, prefix: string): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}raw`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: prefix + Topics.CallStarted, fromBeginning: true });
  let count = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        started ||= Date.now();
        for (const message of batch.messages) JSON.parse(message.value!.toString());
        count += batch.messages.length;
        if (count >= N) resolve(Date.now() - started);
      },
    });
  });
  const ms = await done;
  await consumer.disconnect();
  return ms;
}

async function measureRawPostgres(dataSource: import('typeorm').DataSource, events: CallStarted[]): Promise<number> {
  await dataSource.query(`CREATE TABLE bench_raw (LIKE es_events INCLUDING DEFAULTS)`);
  const started = Date.now();
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await dataSource.query(
      `INSERT INTO bench_raw (stream_id, stream_type, stream_position, event_id, event_type, tenant_id, data, metadata, occurred_at)
       SELECT s, 'call', 1, e, 'CallStartObserved', t, d, '{}'::jsonb, now()
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::jsonb[]) AS x(s, e, t, d)`,
      [
        chunk.map((e) => callStreamId(e.tenantId, e.callId)),
        chunk.map(() => randomUUID()),
        chunk.map((e) => e.tenantId),
        chunk.map((e) => JSON.stringify({ callId: e.callId, callType: e.callType, userId: e.userId, from: e.from, to: e.to })),
      ],
    );
  }
  return Date.now() - started;
}

async function measureCore(brokers: string, prefix: string, dataSource: import('typeorm').DataSource): Promise<number> {
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench-core' });
  const publisher = new KafkaPublisher(kafka, prefix);
  const store = new EventStore([callLogProjection]);
  const groupId = `${prefix}core`;
  let count = 0;
  let started = 0;
  let finish!: (ms: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const apply = inboxApplier(new Transactions(dataSource), groupId, async (sql, fresh) => {
    await decideAndAppendBatch(
      sql,
      store,
      callLogDecider,
      fresh.map((m) => {
        const event = m.event as unknown as CallStarted;
        const command: CallLogCommand = { type: 'ObserveStart', event };
        return {
          target: callStream(event.tenantId, event.callId),
          command,
          options: { metadata: { correlationId: event.callId, causationId: event.eventId } },
        };
      }),
    );
  });
  const consumer = new KafkaBatchConsumer(kafka, {
    groupId,
    topics: { [Topics.CallStarted]: telephonySchemas() },
    deadLetters: publisher,
    topicPrefix: prefix,
    maxChunkSize: CHUNK,
    partitionsConsumedConcurrently: CONCURRENCY,
    apply: async (messages) => {
      started ||= Date.now();
      await apply(messages);
      count += messages.length;
      if (count >= N) finish(Date.now() - started);
    },
  });
  await consumer.start();
  const ms = await done;
  await consumer.stop();
  await publisher.disconnect();
  const [{ events }] = await dataSource.query(`SELECT count(*)::int AS events FROM es_events`);
  if (events !== N) throw new Error(`core appended ${events} events, expected ${N}`);
  return ms;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
