import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-client';

describe('kafkajs log lines', () => {
  it('services creating the same topics at once: the losing CreateTopics is debug, not an error at every start', () => {
    expect(kafkaLogLevel('Connection', logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic creation errors')).toBe('debug');
  });

  it('responses kafkajs retries while a broker starts are debug', () => {
    expect(kafkaLogLevel('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available')).toBe(
      'debug',
    );
    expect(kafkaLogLevel('Connection', logLevel.ERROR, 'Response OffsetFetch(key: 9, version: 4)', 'This is not the correct coordinator for this group')).toBe(
      'debug',
    );
  });

  it('keeps the level of anything else, from the connection or elsewhere', () => {
    expect(kafkaLogLevel('Connection', logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'The request timed out')).toBe('error');
    expect(kafkaLogLevel('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', 'Topic creation errors')).toBe('error');
    expect(kafkaLogLevel('Connection', logLevel.WARN, 'Connection timeout', '')).toBe('warn');
  });

  it('drops the idempotent producer retry notice (retries are bounded on purpose)', () => {
    expect(kafkaLogLevel('Producer', logLevel.WARN, 'Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER', '')).toBeNull();
  });
});
