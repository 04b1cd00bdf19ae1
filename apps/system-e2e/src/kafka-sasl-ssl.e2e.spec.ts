import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, Topics } from '@comms-credits/contracts';
import { licensingService } from '@comms-credits/licensing';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import {
  Collector,
  KafkaUser,
  SecureKafka,
  aclsOfScript,
  callStarted,
  eventually,
  outboundCallFacts,
  serviceEvent,
  shellBlockOf,
  startSecureKafka,
  uniqueTenant,
} from '@comms-credits/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';

/**
 * design.md "Access", Kafka: one service against a broker whose only listener is SASL_SSL,
 * with the ACLs of docs/security.md (run from the document itself) and the StandardAuthorizer.
 * The service talks SCRAM-SHA-256 over TLS with the test CA; "telephony" publishes calls with
 * SCRAM-SHA-512, "dialout-policy" its events with PLAIN. Wrong passwords, plaintext, TLS without
 * SASL or without the CA, and writes outside a principal's ACLs are all refused.
 */
const password = () => randomUUID();
const users = {
  licensing: { name: 'licensing', password: password(), mechanism: 'scram-sha-256' },
  telephony: { name: 'telephony', password: password(), mechanism: 'scram-sha-512' },
  dialoutPolicy: { name: 'dialout-policy', password: password(), mechanism: 'plain' },
  tollFree: { name: 'toll-free', password: password(), mechanism: 'scram-sha-512' },
} satisfies Record<string, KafkaUser>;

describe('Kafka over SASL_SSL with the documented ACLs', () => {
  let broker: SecureKafka;
  let system: TestSystem | undefined;
  let url: string;
  const prefix = `sasl${randomUUID().slice(0, 8)}.`;
  const consumers: Consumer[] = [];
  const tenant = uniqueTenant('secure');

  /** Collects a topic as the admin (from the beginning). */
  const collect = async (topic: string): Promise<Collector> => {
    const consumer = broker.client(broker.admin).consumer({ groupId: `collector-${randomUUID()}`, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    const collector = new Collector();
    await consumer.connect();
    await consumer.subscribe({ topic: prefix + topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic: from, message }) => {
        const value = message.value?.toString() ?? '';
        collector.messages.push({ topic: from.slice(prefix.length), key: message.key?.toString() ?? null, value, json: JSON.parse(value), headers: {} });
      },
    });
    await joined;
    return collector;
  };

  /** Publishes as a principal; resolves, or rejects with the broker's refusal. */
  const publishAs = async (user: KafkaUser, topic: string, value: object) => {
    const producer = broker.client(user).producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
    await producer.connect();
    try {
      await producer.send({ topic: prefix + topic, acks: -1, messages: [{ key: tenant, value: JSON.stringify(value) }] });
    } finally {
      await producer.disconnect();
    }
  };

  beforeAll(async () => {
    broker = await startSecureKafka({ users: Object.values(users), authorizer: true });
    // Production-like: the topics exist before the services (created by the admin), and every
    // principal has only the ACLs of docs/security.md, read from the document.
    const admin = broker.client(broker.admin).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: ALL_TOPICS.map((t) => ({ topic: prefix + t, numPartitions: 2, replicationFactor: 1 })) });
      const script = shellBlockOf(readFileSync(join(__dirname, '../../../docs/security.md'), 'utf8'), '## Kafka');
      const acls = await aclsOfScript(script, prefix);
      expect(acls.length).toBeGreaterThan(50);
      await admin.createAcls({ acl: acls });
    } finally {
      await admin.disconnect();
    }
    system = await startTestSystem([licensingService], {
      ...broker.settingsOf(users.licensing),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `${prefix}licensing`,
    });
    url = system.url('licensing');
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await system?.stop();
    await broker?.stop();
  });

  it('runs the service over TLS + SCRAM-SHA-256: ready, and it publishes what an HTTP change stores', async () => {
    expect((await http('GET', `${url}/health/ready`)).status).toBe(200);
    const events = await collect(Topics.LicensingEvents);
    expect((await http('PUT', `${url}/tenants/${tenant}/users/alice`, { usageLocation: 'US' })).status).toBe(200);
    const [upserted] = await events.waitFor((m) => m.json?.['type'] === 'UserUpserted' && m.json?.['tenantId'] === tenant);
    expect(upserted!.key).toBe(tenant);
  });

  it('consumes telephony (SCRAM-SHA-512) and dialout-policy (PLAIN) and publishes its decision', async () => {
    const decisions = await collect(Topics.CallDecisions);
    // Logged only: since session 10 licensing decides the calls the pool refers to it, here a clearance.
    await publishAs(users.telephony, Topics.CallStarted, callStarted({ tenantId: tenant, callId: 'c1', userId: 'alice' }));
    await publishAs(
      users.dialoutPolicy,
      Topics.DialoutPolicyEvents,
      serviceEvent('CallCleared', tenant, { ...outboundCallFacts('c1'), policyName: 'DialoutCPCandPSTNInternational', policySource: 'global' }),
    );
    const [decision] = await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'c1');
    expect(decision!.json).toMatchObject({ type: 'CallRejected', reason: 'NO_AUDIO_CONFERENCING_LICENSE', decidedBy: 'licensing' });
    // The CallStarted was read too: the group that logs it committed the telephony topic to its end.
    const admin = broker.client(broker.admin).admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const [ends] = [await admin.fetchTopicOffsets(prefix + Topics.CallStarted)];
        const [committed] = await admin.fetchOffsets({ groupId: `${prefix}licensing.bookkeeping`, topics: [prefix + Topics.CallStarted] });
        const behind = ends.filter(
          (end) => Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) < Number(end.high) && end.high !== '0',
        );
        if (behind.length > 0) throw new Error(`telephony.call-started not consumed yet: ${JSON.stringify(committed)}`);
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a wrong password, a client without TLS, TLS without SASL and a client that does not trust the CA', async () => {
    const tryConnect = async (kafka: Kafka) => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return 'connected';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    };
    const base = {
      clientId: 'intruder',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      retry: { retries: 0 },
    };
    const ca = [readFileSync(broker.caFile, 'utf8')];
    const sasl = { mechanism: 'scram-sha-256' as const, username: 'licensing', password: users.licensing.password };

    expect(await tryConnect(broker.client({ ...users.licensing, password: 'wrong' }))).toMatch(/SASL.*authentication failed/i);
    expect(await tryConnect(broker.client({ ...users.dialoutPolicy, password: 'wrong' }))).toMatch(/SASL.*authentication failed/i);
    expect(await tryConnect(broker.client({ name: 'nobody', password: 'x', mechanism: 'scram-sha-512' }))).toMatch(/SASL.*authentication failed/i);
    expect(await tryConnect(new Kafka({ ...base, sasl }))).not.toBe('connected'); // SASL without TLS
    expect(await tryConnect(new Kafka(base))).not.toBe('connected'); // plaintext, no SASL
    expect(await tryConnect(new Kafka({ ...base, ssl: { ca } }))).not.toBe('connected'); // TLS without SASL
    expect(await tryConnect(new Kafka({ ...base, ssl: true, sasl }))).toMatch(/certificate/i); // the system CAs do not know the test CA
    expect(await tryConnect(new Kafka({ ...base, ssl: { ca }, sasl }))).toBe('connected');
  });

  it('lets nobody write outside its ACLs: no forged calls, no forged events of another service', async () => {
    const call = callStarted({ tenantId: tenant, callId: 'forged' });
    await expect(publishAs(users.licensing, Topics.CallStarted, call)).rejects.toThrow(/not authorized/i);
    await expect(publishAs(users.licensing, Topics.TollFreeEvents, serviceEvent('TollFreeNumberAcquired', tenant, {}))).rejects.toThrow(/not authorized/i);
    await expect(publishAs(users.tollFree, Topics.LicensingEvents, serviceEvent('UserUpserted', tenant, {}))).rejects.toThrow(/not authorized/i);
    await expect(publishAs(users.telephony, Topics.CallDecisions, serviceEvent('CallAdmitted', tenant, {}))).rejects.toThrow(/not authorized/i);
    // and no reading of what a principal does not consume
    const snoop = broker.client(users.telephony).consumer({ groupId: 'telephony', maxWaitTimeInMs: 100 });
    await snoop.connect();
    try {
      await expect(snoop.subscribe({ topic: prefix + Topics.CreditWalletEvents, fromBeginning: true })).rejects.toThrow(
        /not authorized|does not host|unknown/i,
      );
    } finally {
      await snoop.disconnect();
    }
  });

  it('does not start a service with a wrong password (start-up fails, naming the SASL refusal)', async () => {
    await expect(
      startTestSystem([licensingService], {
        ...broker.settingsOf({ ...users.licensing, password: 'wrong' }),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP_ID: `${prefix}licensing`,
      }),
    ).rejects.toThrow(/SASL.*authentication failed/i);
  });
});
