import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { KafkaSecurity, kafkaSecurityOptions } from './kafka-security';

export interface KafkaSettings {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Explicit client id (kafkajs and Nest would otherwise invent one). */
  clientId: string;
  /** TLS and SASL (design.md "Access"); none by default. */
  security?: KafkaSecurity;
}

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

const EXPECTED_WHILE_STARTING = [
  'The group coordinator is not available',
  'The coordinator is loading and hence',
  // A group nobody has used yet (a new bookkeeping group's offsets asked for at start-up) has
  // no coordinator at first; the request is retried (carryOverOffsets, kafkajs' consumer).
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  // New topics: metadata reaches the broker's request handlers a moment after creation.
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
];

/**
 * The level a kafkajs log line is logged at by us, or null to drop it: what kafkajs reports of
 * a response it handles itself is debug, everything else keeps its level.
 */
export function kafkaLogLevel(namespace: string, level: logLevel, message: string, error: string): 'error' | 'warn' | 'log' | 'debug' | null {
  // Known and accepted: retries are bounded on purpose (a dead broker must surface), and
  // consumers' inboxes dedupe by eventId whatever the producer does across sessions.
  if (message.startsWith('Limiting retries for the idempotent producer')) return null;
  if (namespace === 'Connection') {
    // A new broker is still creating its internal topics: kafkajs retries these itself.
    // Only a connection's report of a response: a request that kafkajs will retry. A
    // consumer crash or a retry given up on still logs at its own level.
    if (EXPECTED_WHILE_STARTING.some((text) => error.includes(text))) return 'debug';
    // Services starting together create the same topics: the losers' CreateTopics answers
    // TOPIC_ALREADY_EXISTS, which kafkajs' admin takes as success. Any other creation error
    // makes ensureTopics throw, and the service fails to start saying so.
    if (message.startsWith('Response CreateTopics') && error === 'Topic creation errors') return 'debug';
  }
  return levels[level] ?? 'log';
}

/** kafkajs behind our logger, with retries bounded so a dead broker is reported, not hidden. */
export function createKafka(settings: KafkaSettings): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...kafkaSecurityOptions(settings.security),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const at = kafkaLogLevel(namespace, level, String(message), String(extra['error'] ?? ''));
        if (at) logger[at]({ msg: `${namespace}: ${message}`, ...extra });
      },
  });
}
