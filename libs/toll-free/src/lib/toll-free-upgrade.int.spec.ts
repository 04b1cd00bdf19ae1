import { Topics } from '@comms-credits/contracts';
import { ServiceConfig, startService } from '@comms-credits/platform';
import { TestSystem, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, uniqueTenant } from '@comms-credits/testing';
import { givenAccount, quotaOnceItShows, walletBalanceChanged } from './test-support/toll-free.fixtures';
import { tollFreeService } from './toll-free.service';

/**
 * Session 7 moved the facts toll-free learns (seats, balances) from its main consumer group to
 * its bookkeeping group. Replayed from the beginning, months of old balances would suspend and
 * resume a tenant's numbers again: the new group goes on from the main group's position.
 */
describe('toll-free: a topic moved into the bookkeeping group', () => {
  let system: TestSystem;
  let kafka: TestKafka;

  beforeAll(async () => {
    // KAFKA_BOOKKEEPING_GATHER_MS 0: every topic in the main group, as before the move.
    system = await startTestSystem([tollFreeService], { KAFKA_BOOKKEEPING_GATHER_MS: 0 });
    kafka = new TestKafka(undefined, system.prefix);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  it("goes on from the main group's position instead of reading the topic's history again", async () => {
    const tenant = uniqueTenant('upgrade');
    const before = system.services['toll-free']!;
    await givenAccount(kafka, before.url, tenant, { seats: { OFFICE_365_E5: 10 }, balance: '0.00' });
    await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenant, '20.00')]);
    await quotaOnceItShows(before.url, tenant, { balancePositive: true });
    const main = `${system.prefix}toll-free`;
    await kafka.waitUntilCaughtUp(main, Topics.CreditWalletEvents);
    const position = await kafka.committedOffsets(main, Topics.CreditWalletEvents);
    expect([...position.values()].some((offset) => offset > 0n)).toBe(true);

    // The next version: same database, same groups, the wallet's events read by the bookkeeping group.
    const config = before.config as ServiceConfig;
    await before.app.close();
    const after = await startService(tollFreeService, {
      PORT: 0,
      HOST: '127.0.0.1',
      DATABASE_URL: config.DATABASE_URL,
      KAFKA_BROKERS: config.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: system.prefix,
      KAFKA_GROUP_ID: main,
      KAFKA_TOPIC_PARTITIONS: config.KAFKA_TOPIC_PARTITIONS,
      LOG_LEVEL: config.LOG_LEVEL,
      AUTH_JWKS_FILE: config.AUTH_JWKS_FILE,
      KAFKA_BOOKKEEPING_GATHER_MS: 200,
    });
    system.services['toll-free'] = after; // stopped with the system

    expect(await kafka.committedOffsets(`${main}.bookkeeping`, Topics.CreditWalletEvents)).toEqual(position);
    // It reads on from there: a new balance arrives; the old ones were not read again.
    await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenant, '0.00')]);
    await quotaOnceItShows(after.url, tenant, { balancePositive: false });
  });
});
