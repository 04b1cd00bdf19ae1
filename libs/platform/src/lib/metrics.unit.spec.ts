import { Topics } from '@comms-credits/contracts';
import { ConsumedMessage, MessagePublisher, OutgoingMessage } from '@comms-credits/messaging';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ServiceMetrics } from './metrics';

function metrics(): ServiceMetrics {
  // Neither the broker nor the database answers: scrapes still work, without those figures.
  const unreachable = () => {
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  return new ServiceMetrics({
    service: 'pool-ledger',
    kafka: { admin: unreachable } as unknown as Kafka,
    dataSource: { query: async () => unreachable() } as unknown as DataSource,
    groupId: 'pool-ledger',
    topics: ['p.telephony.call-started'],
    topicPrefix: 'p.',
  });
}

/** The value of one series in the exposition text, whatever the order of its labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const callStarted = (callId: string) =>
  ({ topic: Topics.CallStarted, partition: 0, offset: '0', key: 'contoso', headers: {}, event: { tenantId: 'contoso', callId } }) as unknown as ConsumedMessage;

describe('ServiceMetrics', () => {
  it('times admission from the CallStarted consumed to the decision published', async () => {
    const m = metrics();
    const sent: OutgoingMessage[] = [];
    const publisher: MessagePublisher = { publish: async (messages) => void sent.push(...messages) };
    m.received(callStarted('c-1'));
    m.received(callStarted('c-1')); // a redelivery does not restart the clock
    const decision = (callId: string) => ({
      topic: Topics.CallDecisions,
      key: 'contoso',
      value: JSON.stringify({ type: 'CallAdmitted', tenantId: 'contoso', callId }),
    });
    await m.watchDecisions(publisher).publish([decision('c-1'), decision('unknown-call'), { topic: 'pool-ledger.events', key: 'contoso', value: '{}' }]);
    expect(sent).toHaveLength(3);
    const text = await m.registry.metrics();
    expect(sample(text, 'admission_decision_latency_seconds_count', { decision: 'CallAdmitted', service: 'pool-ledger' })).toBe(1);
  });

  it('counts processed and dead-lettered messages and batch durations per topic', async () => {
    const m = metrics();
    m.processed(Topics.CallStarted, 5);
    m.deadLettered(Topics.CallStarted, 'NESTING_TOO_DEEP');
    m.chunkApplied(Topics.CallStarted, 0.02);
    m.relayPublished(3, 0.2);
    const text = await m.registry.metrics();
    const topic = 'telephony.call-started';
    expect(sample(text, 'kafka_messages_processed_total', { topic })).toBe(5);
    expect(sample(text, 'kafka_messages_dead_lettered_total', { topic, reason: 'NESTING_TOO_DEEP' })).toBe(1);
    expect(sample(text, 'kafka_consumer_batch_duration_seconds_count', { topic })).toBe(1);
    expect(sample(text, 'outbox_relay_latency_seconds_count', { service: 'pool-ledger' })).toBe(1);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
