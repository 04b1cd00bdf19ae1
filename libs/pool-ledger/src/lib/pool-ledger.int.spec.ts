import { Topics } from '@comms-credits/contracts';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, eventually, outboundCallFacts, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { poolLedgerService } from './pool-ledger.service';

describe('pool-ledger service', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let poolEvents: Collector;

  beforeAll(async () => {
    system = await startTestSystem([poolLedgerService]);
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    poolEvents = await kafka.collect(Topics.PoolLedgerEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const seats = (tenantId: string, sku: string, n: number) => serviceEvent('SubscriptionSeatsChanged', tenantId, { sku, seats: n, previousSeats: 0 });
  const entitled = (tenantId: string, callId: string, overrides: Record<string, unknown> = {}) =>
    serviceEvent('CallEntitled', tenantId, {
      ...outboundCallFacts(callId, { userId: 'organizer' }),
      poolEligible: true,
      creditsLicensed: true,
      capability: 'MCOMEETADD',
      ...overrides,
    });
  const pool = async (tenantId: string, month = '2026-11') =>
    (await http<{ capacityMinutes: number; usedMinutes: number; availableMinutes: number }>('GET', `${system.url('pool-ledger')}/tenants/${tenantId}/pool?month=${month}`)).body;
  const poolReaches = (tenantId: string, expected: Partial<Awaited<ReturnType<typeof pool>>>, month = '2026-11') =>
    eventually(async () => expect(await pool(tenantId, month)).toMatchObject(expected));
  const decisionOf = async (tenantId: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId))[0]!.json!;
  const handOverOf = async (tenantId: string, callId: string, type = 'CallHandedToWallet') =>
    (await poolEvents.waitFor((m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId && m.json?.['type'] === type))[0]!.json!;

  it('the article: 5 E5 seats give 300 minutes; 5 people dialled in for 60 minutes use them all; the next dial-out goes to the wallet stage', async () => {
    const tenant = uniqueTenant('article');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 5)]);
    await poolReaches(tenant, { capacityMinutes: 300, usedMinutes: 0, availableMinutes: 300 });

    const legs = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await kafka.publish(Topics.LicensingEvents, legs.map((id) => entitled(tenant, id)));
    for (const id of legs) expect(await decisionOf(tenant, id)).toMatchObject({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 18_000, decidedBy: 'pool-ledger' });
    await kafka.publish(Topics.CallEnded, legs.map((id) => callEnded({ tenantId: tenant, callId: id, durationSeconds: 3600 })));
    await poolReaches(tenant, { capacityMinutes: 300, usedMinutes: 300, availableMinutes: 0 });

    const thresholds = await poolEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'PoolUsageThresholdReached', 2);
    expect(thresholds.map((m) => m.json!['thresholdPercent']).sort()).toEqual([100, 80]);

    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'p6')]);
    expect(await handOverOf(tenant, 'p6')).toMatchObject({ reason: 'POOL_EXHAUSTED', creditsLicensed: true, capability: 'MCOMEETADD', destinationCountry: 'FR' });
    const calls = await http<{ callId: string; poolMinutes: number; handedOnMinutes: number }[]>('GET', `${system.url('pool-ledger')}/tenants/${tenant}/pool/calls?month=2026-11`);
    expect(calls.body.filter((c) => c.poolMinutes === 60)).toHaveLength(5);
  });

  it('covers what it can of a call that outlasts the pool and hands exactly the rest to the wallet, whatever the order and repeats', async () => {
    const tenant = uniqueTenant('overflow');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'AUDIO_CONFERENCING', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    // The end arrives before the admission, and twice.
    const end = callEnded({ tenantId: tenant, callId: 'long', durationSeconds: 4201 }); // 71 minutes
    await kafka.publish(Topics.CallEnded, [end, end]);
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'long')]);
    expect(await decisionOf(tenant, 'long')).toMatchObject({ funding: 'pool', maxDurationSeconds: 3600 });
    expect(await handOverOf(tenant, 'long', 'PoolOverflowHandedToWallet')).toMatchObject({
      poolMinutes: 60,
      uncoveredMinutes: 11,
      durationSeconds: 4201,
      month: '2026-11',
      creditsLicensed: true,
    });
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'long', durationSeconds: 4201 })]);
    await poolReaches(tenant, { usedMinutes: 60, availableMinutes: 0 });
    // A later marker proves the repeat was processed without a second settlement.
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'marker', { poolEligible: false })]);
    await handOverOf(tenant, 'marker');
    expect(poolEvents.messages.filter((m) => m.json?.['callId'] === 'long' && m.json?.['type'] === 'PoolOverflowHandedToWallet')).toHaveLength(1);
  });

  it('never lets used minutes exceed capacity when many calls end on the last minutes', async () => {
    const tenant = uniqueTenant('crowd');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await kafka.publish(Topics.LicensingEvents, ids.map((id) => entitled(tenant, id)));
    await kafka.publish(Topics.CallEnded, ids.map((id) => callEnded({ tenantId: tenant, callId: id, durationSeconds: 300 })));
    const overflows = await poolEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'PoolOverflowHandedToWallet', 8);
    await poolReaches(tenant, { usedMinutes: 60, availableMinutes: 0 });
    // 20 × 5 minutes = 100: the pool covers 60, the wallet gets exactly the other 40.
    await eventually(async () => {
      const handed = poolEvents.messages
        .filter((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'PoolOverflowHandedToWallet')
        .reduce((sum, m) => sum + Number(m.json!['uncoveredMinutes']), 0);
      expect(handed).toBe(40);
    });
    expect(overflows.length).toBeGreaterThanOrEqual(8);
  });

  it('settles a call in the month it started, restores the pool in a new month, and follows seat changes live', async () => {
    const tenant = uniqueTenant('months');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 2)]);
    await poolReaches(tenant, { capacityMinutes: 120 }, '2026-10');
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'october', { startedAt: '2026-10-31T23:50:00.000Z' })]);
    await decisionOf(tenant, 'october');
    // It ends after the month turned: still October's minutes.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'october', durationSeconds: 1200, occurredAt: '2026-11-01T00:10:00.000Z' })]);
    await poolReaches(tenant, { usedMinutes: 20, availableMinutes: 100 }, '2026-10');
    await poolReaches(tenant, { usedMinutes: 0, availableMinutes: 120 }, '2026-11');

    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60, usedMinutes: 20, availableMinutes: 40 }, '2026-10');
  });

  it('hands on a call that is not pool-eligible without touching the pool', async () => {
    const tenant = uniqueTenant('egypt');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'cairo', { to: '+20223456789', destinationCountry: 'EG', zoneA: false, poolEligible: false })]);
    expect(await handOverOf(tenant, 'cairo')).toMatchObject({ reason: 'NOT_POOL_ELIGIBLE', destinationCountry: 'EG' });
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'cairo', durationSeconds: 600 })]);
    await eventually(async () => {
      const calls = await http<{ callId: string; seconds: number | null; poolMinutes: number | null }[]>('GET', `${system.url('pool-ledger')}/tenants/${tenant}/pool/calls?month=2026-11`);
      expect(calls.body).toEqual([expect.objectContaining({ callId: 'cairo', seconds: 600, poolMinutes: null })]);
    });
    expect(await pool(tenant)).toMatchObject({ usedMinutes: 0, availableMinutes: 60 });
  });
});
