import { Topics } from '@comms-credits/contracts';
import { ServiceConfig, startService } from '@comms-credits/platform';
import { TestSystem, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callStarted, uniqueTenant } from '@comms-credits/testing';
import { licensingService } from './licensing.service';

/**
 * Session 9 moved `telephony.call-started` in licensing from its bookkeeping group (the call
 * log) to its main group (admission). Read from the beginning, every call of the topic's history
 * would be referred or screened again: the main group goes on from the bookkeeping group's
 * position instead.
 */
describe('licensing: a topic moved from the bookkeeping group into the main group', () => {
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

  /** The calls licensing acted on (the tenant's users restated with its first call carry none). */
  const referred = (tenant: string) =>
    licensingEvents.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] !== undefined).map((m) => m.json?.['callId']);

  it("goes on from the bookkeeping group's position instead of reading the topic's history again", async () => {
    const tenant = uniqueTenant('upgrade');
    await system.services['licensing']!.app.close();
    // Calls the previous version logged (its bookkeeping group read them) and the chain decided.
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'old-1' }), callStarted({ tenantId: tenant, callId: 'old-2' })]);
    // The previous version's groups, under a name of their own: only the bookkeeping one has read call-started.
    const group = `${system.prefix}licensing-previous`;
    const position = await kafka.commitToEnd(`${group}.bookkeeping`, Topics.CallStarted);
    expect([...position.values()].some((offset) => offset > 0n)).toBe(true);

    await nextVersion(group);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'new' })]);
    await licensingEvents.waitFor((m) => m.json?.['callId'] === 'new' && m.json?.['type'] === 'CallReferred');
    expect(referred(tenant)).toEqual(['new']);
  });

  it('goes on from there too when its main group kept a position from a version before that (before session 5)', async () => {
    const tenant = uniqueTenant('older');
    await system.services['licensing']!.app.close();
    const group = `${system.prefix}licensing-older`;
    // Read by the main group long ago, then by the bookkeeping group up to the end.
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'ancient' })]);
    await kafka.commitToEnd(group, Topics.CallStarted);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'logged-1' }), callStarted({ tenantId: tenant, callId: 'logged-2' })]);
    await kafka.commitToEnd(`${group}.bookkeeping`, Topics.CallStarted);

    await nextVersion(group);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'fresh' })]);
    await licensingEvents.waitFor((m) => m.json?.['callId'] === 'fresh' && m.json?.['type'] === 'CallReferred');
    expect(referred(tenant)).toEqual(['fresh']);
  });
});
