import { Topics } from '@comms-credits/contracts';
import { ServiceConfig, startService } from '@comms-credits/platform';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callReferred, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { licensingService } from './licensing.service';

/**
 * Session 9 moved `telephony.call-started` in licensing from its bookkeeping group (the call
 * log) to its main group (admission); session 10 moved it back, when the pool became the front
 * door of outbound calls and licensing came to decide only the calls the pool refers to it. Read
 * from an older position, calls of the topic's history would be logged again: the group that
 * takes the topic over goes on from the later of the two groups' positions.
 */
describe('licensing: telephony.call-started back in the bookkeeping group (session 10)', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let licensingEvents: Collector;

  beforeAll(async () => {
    system = await startTestSystem([licensingService]);
    kafka = new TestKafka(undefined, system.prefix);
    licensingEvents = await kafka.collect(Topics.LicensingEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  /** Starts licensing on the system's database as the next version, in consumer group `group`. */
  async function nextVersion(group: string) {
    const config = system.services['licensing']!.config as ServiceConfig;
    const after = await startService(licensingService, {
      PORT: 0,
      HOST: '127.0.0.1',
      DATABASE_URL: config.DATABASE_URL,
      KAFKA_BROKERS: config.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: system.prefix,
      KAFKA_GROUP_ID: group,
      KAFKA_TOPIC_PARTITIONS: config.KAFKA_TOPIC_PARTITIONS,
      LOG_LEVEL: config.LOG_LEVEL,
      AUTH_JWKS_FILE: config.AUTH_JWKS_FILE,
    });
    system.services['licensing'] = after; // stopped with the system
  }

  const logged = async (tenant: string) =>
    (await http<{ callId: string }[]>('GET', `${system.services['licensing']!.url}/tenants/${tenant}/calls`)).body.map((c) => c.callId);

  it("logs from the main group's position (the later), and decides no call from the topic", async () => {
    const tenant = uniqueTenant('upgrade');
    await system.services['licensing']!.app.close();
    const group = `${system.prefix}licensing-previous`;
    // The bookkeeping group read the topic before session 9; the main group read it since.
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'logged-long-ago' })]);
    await kafka.commitToEnd(`${group}.bookkeeping`, Topics.CallStarted);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'decided-1' }), callStarted({ tenantId: tenant, callId: 'decided-2' })]);
    const position = await kafka.commitToEnd(group, Topics.CallStarted);
    expect([...position.values()].some((offset) => offset > 0n)).toBe(true);

    await nextVersion(group);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'new', to: '+33142685300' })]);
    await eventually(async () => expect(await logged(tenant)).toEqual(['new']));
    // Logged, not decided: the pool decides it or refers it. A referred marker call, decided
    // after it on the tenant's partition, shows nothing came of 'new'.
    const marker = callStarted({ tenantId: tenant, callId: 'marker', to: '+33142685300' });
    await kafka.publish(Topics.PoolLedgerEvents, [callReferred(marker, 'USERS_NOT_KNOWN')]);
    await licensingEvents.waitFor((m) => m.json?.['callId'] === 'marker' && m.json?.['type'] === 'CallReferred');
    expect(licensingEvents.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] !== undefined).map((m) => m.json?.['callId'])).toEqual([
      'marker',
    ]);
  });
});
