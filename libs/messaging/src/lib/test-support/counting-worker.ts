/**
 * A separate process for crash tests: consumes `telephony.call-ended` into an `effects` table
 * through the real batch consumer and inbox, or relays an event store to Kafka. With
 * CRASH_AFTER=n it SIGKILLs itself right after its n-th database commit (consume) or n-th
 * publish (relay), i.e. before the Kafka offset commit or the relay checkpoint.
 */
import 'reflect-metadata';
import { telephonySchemas } from '@comms-credits/contracts';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { DataSource } from 'typeorm';
import { KafkaBatchConsumer } from '../batch-consumer';
import { inboxApplier } from '../inbox-applier';
import { createKafka } from '../kafka-client';
import { OutboxRelay } from '../outbox-relay';
import { KafkaPublisher, MessagePublisher, OutgoingMessage } from '../publisher';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const crashAfter = Number(process.env['CRASH_AFTER'] ?? 0);
let commits = 0;
function maybeCrash(): void {
  commits++;
  if (crashAfter > 0 && commits >= crashAfter) {
    process.stdout.write(`crashing after commit ${commits}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

async function main(): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: env('DATABASE_URL') });
  await dataSource.initialize();
  const kafka = createKafka({ brokers: env('BROKERS').split(','), clientId: `worker-${process.pid}` });
  const publisher = new KafkaPublisher(kafka, env('TOPIC_PREFIX'));
  await publisher.connect();

  if (env('MODE') === 'relay') {
    const crashing: MessagePublisher = {
      async publish(messages: OutgoingMessage[]) {
        await publisher.publish(messages);
        maybeCrash();
      },
    };
    const relay = new OutboxRelay(dataSource, crashing, { route: () => 'telephony.call-ended', batchSize: Number(env('BATCH')) });
    const published = await relay.drain();
    process.stdout.write(`relayed ${published}\n`);
    await publisher.disconnect();
    await dataSource.destroy();
    return;
  }

  const transactions = new Transactions(dataSource);
  const apply = inboxApplier(transactions, env('GROUP_ID'), async (sql: SqlClient, fresh) => {
    await sql.query(`INSERT INTO effects (event_id, call_id, amount) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`, [
      fresh.map((m) => m.event.eventId),
      fresh.map((m) => (m.event as unknown as { callId: string }).callId),
      fresh.map((m) => (m.event as unknown as { durationSeconds: number }).durationSeconds),
    ]);
  });
  const consumer = new KafkaBatchConsumer(kafka, {
    groupId: env('GROUP_ID'),
    topics: { 'telephony.call-ended': telephonySchemas() },
    deadLetters: publisher,
    topicPrefix: env('TOPIC_PREFIX'),
    maxChunkSize: Number(env('BATCH')),
    // SESSION_TIMEOUT_MS=6000 (the broker's minimum) makes crash tests quicker; unset, the
    // production default applies (the failover test measures it).
    sessionTimeoutMs: process.env['SESSION_TIMEOUT_MS'] ? Number(process.env['SESSION_TIMEOUT_MS']) : undefined,
    apply: async (messages) => {
      await apply(messages);
      maybeCrash();
    },
  });
  const stop = async () => {
    await consumer.stop();
    await publisher.disconnect();
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  await consumer.start();
  process.stdout.write('consuming\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
