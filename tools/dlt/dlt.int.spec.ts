import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Topics, telephonySchemas } from '@comms-credits/contracts';
import { KafkaBatchConsumer, KafkaPublisher, createKafka } from '@comms-credits/messaging';
import { TestKafka, callEnded, eventually, requiredEnv } from '@comms-credits/testing';
import { main } from './main';

const topic = Topics.CallEnded;
const run = promisify(execFile);

describe('npm run dlt: list, show, replay', () => {
  let kafka: TestKafka;
  let prefix: string;
  const brokers = () => requiredEnv('TEST_KAFKA_BROKERS');

  beforeEach(async () => {
    prefix = `t${randomUUID().slice(0, 8)}.`;
    kafka = new TestKafka(undefined, prefix);
    await kafka.createTopics([topic], 1);
  });

  afterEach(async () => {
    await kafka.close();
  });

  async function dlt(...args: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await main([...args, '--brokers', brokers(), '--topic-prefix', prefix], (line) => lines.push(line));
    return { code, lines };
  }

  it('lists and shows dead letters, and replays one after a fix and one with a corrected payload', async () => {
    const applied: string[] = [];
    let fixed = false;
    const client = createKafka({ brokers: brokers().split(','), clientId: `${prefix}dlt` });
    const publisher = new KafkaPublisher(client, prefix);
    const consumer = new KafkaBatchConsumer(client, {
      groupId: `${prefix}settlement`,
      topics: { [topic]: telephonySchemas() },
      deadLetters: publisher,
      topicPrefix: prefix,
      retryBackoffMs: 5,
      apply: async (messages) => {
        const ids = messages.map((m) => (m.event as unknown as { callId: string }).callId);
        if (!fixed && ids.includes('needs-a-fix')) throw new Error('rate card missing for call needs-a-fix');
        applied.push(...ids);
      },
    });
    await consumer.start();
    try {
      await kafka.publishRaw(topic, [{ key: 'contoso', value: '{"callId": "garbled"', headers: { 'trace-id': 'abc' } }]);
      await kafka.publish(topic, [callEnded({ tenantId: 'contoso', callId: 'needs-a-fix', durationSeconds: 5 })]);
      await kafka.publish(topic, [callEnded({ tenantId: 'contoso', callId: 'fine', durationSeconds: 6 })]);
      await eventually(() => expect(applied).toEqual(['fine']));

      const listed = await eventually(async () => {
        const { code, lines } = await dlt('list', '--topic', topic, '--json');
        expect(code).toBe(0);
        expect(lines).toHaveLength(2);
        return lines.map((line) => JSON.parse(line) as { partition: number; offset: string; reason: string; originalTopic: string });
      });
      expect(listed.map((l) => l.reason)).toEqual(['INVALID_JSON', 'PROCESSING_FAILED']);
      expect(listed.every((l) => l.originalTopic === `${prefix}${topic}`)).toBe(true);
      const table = await dlt('list');
      expect(table.lines[0]).toContain('REASON');
      expect(table.lines.at(-1)).toBe('2 dead letter(s)');

      const [garbled, needsFix] = listed;
      const shown = await dlt('show', `${topic}.dlt`, String(needsFix!.partition), needsFix!.offset);
      expect(shown.code).toBe(0);
      const detail = JSON.parse(shown.lines.join('\n'));
      expect(detail).toMatchObject({
        reason: 'PROCESSING_FAILED',
        error: 'Error: rate card missing for call needs-a-fix',
        key: 'contoso',
        value: { callId: 'needs-a-fix', durationSeconds: 5 },
        headers: { 'dlt-consumer': `${prefix}settlement`, 'dlt-original-partition': '0' },
      });
      expect((await dlt('show', topic, '0', '999')).code).toBe(1);

      // The fix is deployed: the message as it was goes through now.
      fixed = true;
      const replayed = await dlt('replay', topic, String(needsFix!.partition), needsFix!.offset);
      expect(replayed.lines[0]).toMatch(new RegExp(`^replayed ${topic}.dlt/0/\\d+ to ${prefix.replace('.', '\\.')}${topic} partition 0 offset \\d+$`));
      await eventually(() => expect(applied).toEqual(['fine', 'needs-a-fix']));

      // The garbled one needs its payload corrected by hand.
      const file = join(mkdtempSync(join(tmpdir(), 'dlt-')), 'fixed.json');
      writeFileSync(file, JSON.stringify(callEnded({ tenantId: 'contoso', callId: 'garbled', durationSeconds: 7 })));
      const withPayload = await dlt('replay', topic, String(garbled!.partition), garbled!.offset, '--payload', file);
      expect(withPayload.lines[0]).toContain(`with the payload of ${file}`);
      await eventually(() => expect(applied).toEqual(['fine', 'needs-a-fix', 'garbled']));

      // Replayed with its key and its own headers, not the dead letter's.
      const replays = await kafka.collect(topic);
      const [again] = await replays.waitFor((m) => m.headers['dlt-replayed-from'] === `${topic}.dlt/0/${garbled!.offset}`);
      expect(again!.key).toBe('contoso');
      expect(again!.headers['trace-id']).toBe('abc');
      expect(Object.keys(again!.headers).filter((h) => h.startsWith('dlt-'))).toEqual(['dlt-replayed-from']);
    } finally {
      await consumer.stop();
      await publisher.disconnect();
    }
  });

  it('runs as npm run -s dlt', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'dlt', '--', 'list', '--topic', topic], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, KAFKA_BROKERS: brokers(), KAFKA_TOPIC_PREFIX: prefix },
    });
    expect(stdout.trim()).toBe(`no dead letters on ${topic}.dlt`);
  });
});
