import { randomUUID } from 'node:crypto';
import { Topics, monthOf } from '@comms-credits/contracts';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, callStarted, eventually, outboundCallFacts, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { ReservationSweeper } from './application/reservation-sweeper';
import { poolLedgerService } from './pool-ledger.service';

describe('pool-ledger service', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let poolEvents: Collector;
  let deadLetters: Collector;

  beforeAll(async () => {
    // A call may run an hour: the article's 5 × 60 minutes fill a 300-minute pool exactly.
    system = await startTestSystem([poolLedgerService], { POOL_MAX_GRANT_MINUTES: 60, POOL_SWEEP_MS: 600_000 });
    kafka = new TestKafka(undefined, system.prefix);
    decisions = await kafka.collect(Topics.CallDecisions);
    poolEvents = await kafka.collect(Topics.PoolLedgerEvents);
    deadLetters = await kafka.collect(`${Topics.CallEnded}.dlt`);
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
    (
      await http<{ capacityMinutes: number; usedMinutes: number; reservedMinutes: number; availableMinutes: number }>(
        'GET',
        `${system.url('pool-ledger')}/tenants/${tenantId}/pool?month=${month}`,
      )
    ).body;
  const poolReaches = (tenantId: string, expected: Partial<Awaited<ReturnType<typeof pool>>>, month = '2026-11') =>
    eventually(async () => expect(await pool(tenantId, month)).toMatchObject(expected));
  const decisionOf = async (tenantId: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId))[0]!.json!;
  const handOverOf = async (tenantId: string, callId: string, type = 'CallHandedToWallet') =>
    (await poolEvents.waitFor((m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId && m.json?.['type'] === type))[0]!.json!;

  const eventsOf = (tenantId: string, callId: string, type: string) =>
    poolEvents.messages.filter((m) => m.json?.['tenantId'] === tenantId && m.json?.['callId'] === callId && m.json?.['type'] === type);
  const sweeper = () => system.services['pool-ledger']!.app.get(ReservationSweeper);

  it('the article: 5 E5 seats give 300 minutes; 5 people dialled in for 60 minutes use them all; the next dial-out goes to the wallet stage', async () => {
    const tenant = uniqueTenant('article');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 5)]);
    await poolReaches(tenant, { capacityMinutes: 300, usedMinutes: 0, availableMinutes: 300 });

    const legs = ['p1', 'p2', 'p3', 'p4', 'p5'];
    await kafka.publish(
      Topics.LicensingEvents,
      legs.map((id) => entitled(tenant, id)),
    );
    for (const id of legs)
      expect(await decisionOf(tenant, id)).toMatchObject({ type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: 3600, decidedBy: 'pool-ledger' });
    await poolReaches(tenant, { usedMinutes: 0, reservedMinutes: 300, availableMinutes: 0 });
    await kafka.publish(
      Topics.CallEnded,
      legs.map((id) => callEnded({ tenantId: tenant, callId: id, durationSeconds: 3600 })),
    );
    await poolReaches(tenant, { capacityMinutes: 300, usedMinutes: 300, reservedMinutes: 0, availableMinutes: 0 });

    const thresholds = await poolEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'PoolUsageThresholdReached', 2);
    expect(thresholds.map((m) => m.json!['thresholdPercent']).sort()).toEqual([100, 80]);

    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'p6')]);
    expect(await handOverOf(tenant, 'p6')).toMatchObject({
      reason: 'POOL_EXHAUSTED',
      creditsLicensed: true,
      capability: 'MCOMEETADD',
      destinationCountry: 'FR',
    });
    const calls = await http<{ callId: string; poolMinutes: number; handedOnMinutes: number }[]>(
      'GET',
      `${system.url('pool-ledger')}/tenants/${tenant}/pool/calls?month=2026-11`,
    );
    expect(calls.body.filter((c) => c.poolMinutes === 60)).toHaveLength(5);
  });

  it('reported: two dial-outs starting while 60 minutes remain are not both granted them; the second waits for minutes a settlement releases', async () => {
    const tenant = uniqueTenant('overlap');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'AUDIO_CONFERENCING', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    // Neither organizer may bill credits: before the fix both got 3600 s, and the second's minutes were given away.
    await kafka.publish(Topics.LicensingEvents, [
      entitled(tenant, 'first', { creditsLicensed: false }),
      entitled(tenant, 'second', { creditsLicensed: false }),
    ]);
    expect(await decisionOf(tenant, 'first')).toMatchObject({ funding: 'pool', maxDurationSeconds: 3600 });
    expect(await handOverOf(tenant, 'second')).toMatchObject({ reason: 'POOL_EXHAUSTED', creditsLicensed: false });
    expect(decisions.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'second')).toEqual([]);

    // The first ends after 20 minutes: its other 40 are released for the next call.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'first', durationSeconds: 1190 })]);
    await poolReaches(tenant, { usedMinutes: 20, reservedMinutes: 0, availableMinutes: 40 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'third', { creditsLicensed: false })]);
    expect(await decisionOf(tenant, 'third')).toMatchObject({ funding: 'pool', maxDurationSeconds: 2400 });
  });

  it('a call the pool covers only in part continues on credits for a credits-licensed organizer (the wallet decides the split)', async () => {
    const tenant = uniqueTenant('continue');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'AUDIO_CONFERENCING', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'warm-up')]);
    await decisionOf(tenant, 'warm-up');
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'warm-up', durationSeconds: 25 * 60 })]);
    await poolReaches(tenant, { usedMinutes: 25, availableMinutes: 35 });

    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'long')]);
    expect(await handOverOf(tenant, 'long')).toMatchObject({
      reason: 'POOL_CONTINUATION',
      poolSeconds: 35 * 60,
      maxCreditSeconds: 25 * 60,
      creditsLicensed: true,
    });
    await poolReaches(tenant, { usedMinutes: 25, reservedMinutes: 35, availableMinutes: 0 });
    // It runs 50 minutes: the pool debits its 35, the wallet charges the other 15 from its own hold.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'long', durationSeconds: 50 * 60 })]);
    await poolReaches(tenant, { usedMinutes: 60, reservedMinutes: 0, availableMinutes: 0 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'marker', { poolEligible: false })]);
    await handOverOf(tenant, 'marker');
    expect(eventsOf(tenant, 'long', 'PoolOverflowHandedToWallet')).toEqual([]);
    expect(eventsOf(tenant, 'long', 'CallDurationExceededGrant')).toEqual([]);
  });

  it('reported: milliseconds sent as seconds never settle beyond the grant; an absurd duration is dead-lettered with its reason', async () => {
    const tenant = uniqueTenant('millis');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 10)]);
    await poolReaches(tenant, { capacityMinutes: 600 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'granted-hour'), entitled(tenant, 'absurd')]);
    expect(await decisionOf(tenant, 'granted-hour')).toMatchObject({ funding: 'pool', maxDurationSeconds: 3600 });
    await decisionOf(tenant, 'absurd');

    // 100 hours: plausible as a number, far beyond the grant. Settled at the grant, the excess recorded.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'granted-hour', durationSeconds: 360_000 })]);
    expect(await handOverOf(tenant, 'granted-hour', 'CallDurationExceededGrant')).toMatchObject({
      durationSeconds: 360_000,
      grantedSeconds: 3600,
      excessSeconds: 356_400,
    });
    await poolReaches(tenant, { usedMinutes: 60 });
    expect(eventsOf(tenant, 'granted-hour', 'PoolOverflowHandedToWallet')).toEqual([]);

    // 3,600,000 s is over 41 days: bad input, dead-lettered, and the pool still holds the call's reservation.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'absurd', durationSeconds: 3_600_000 })]);
    const [dead] = await deadLetters.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'absurd');
    expect(dead!.headers['dlt-error']).toMatch(/durationSeconds over 604800/);
    await poolReaches(tenant, { usedMinutes: 60, reservedMinutes: 60, availableMinutes: 480 });
  });

  it('a reservation whose end never comes is released when due and marked; a late end still settles, handing what the pool lost to the wallet', async () => {
    const tenant = uniqueTenant('lost-end');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'lost')]);
    await decisionOf(tenant, 'lost');
    await poolReaches(tenant, { reservedMinutes: 60, availableMinutes: 0 });

    // Nothing is due yet; at the grant + 15 minutes, it is.
    const lost = { tenantId: tenant, callId: 'lost' };
    expect(await sweeper().sweep(new Date().toISOString())).not.toContainEqual(lost);
    expect(await sweeper().sweep(new Date(Date.now() + (60 + 15) * 60_000 + 5_000).toISOString())).toContainEqual(lost);
    expect(await handOverOf(tenant, 'lost', 'PoolSettlementMissing')).toMatchObject({ reservedMinutes: 60, month: '2026-11' });
    await poolReaches(tenant, { usedMinutes: 0, reservedMinutes: 0, availableMinutes: 60 });

    // Its minutes went to another call meanwhile; the late end is still settled, nothing written off.
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'next')]);
    await decisionOf(tenant, 'next');
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'lost', durationSeconds: 600 })]);
    expect(await handOverOf(tenant, 'lost', 'PoolOverflowHandedToWallet')).toMatchObject({ poolMinutes: 0, uncoveredMinutes: 10, creditsLicensed: true });
    await poolReaches(tenant, { usedMinutes: 0, reservedMinutes: 60 });
  });

  it('many calls on the last minutes: reserved and used never exceed capacity; the pool covers exactly the minutes of the calls it admitted', async () => {
    const tenant = uniqueTenant('crowd');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'c-warm')]);
    await decisionOf(tenant, 'c-warm');
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'c-warm', durationSeconds: 30 * 60 })]);
    await poolReaches(tenant, { usedMinutes: 30, availableMinutes: 30 });

    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await kafka.publish(
      Topics.LicensingEvents,
      ids.map((id) => entitled(tenant, id, { creditsLicensed: false })),
    );
    const admitted = await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && ids.includes(String(m.json?.['callId'])), 1);
    const handed = await poolEvents.waitFor(
      (m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'CallHandedToWallet' && ids.includes(String(m.json?.['callId'])),
      19,
    );
    expect(admitted).toHaveLength(1);
    expect(admitted[0]!.json).toMatchObject({ funding: 'pool', maxDurationSeconds: 1800 });
    expect(handed.every((m) => m.json!['reason'] === 'POOL_EXHAUSTED')).toBe(true);
    await kafka.publish(
      Topics.CallEnded,
      ids.map((id) => callEnded({ tenantId: tenant, callId: id, durationSeconds: 300 })),
    );
    await poolReaches(tenant, { usedMinutes: 35, reservedMinutes: 0, availableMinutes: 25 });
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
    await kafka.publish(Topics.LicensingEvents, [
      entitled(tenant, 'cairo', { to: '+20223456789', destinationCountry: 'EG', zoneA: false, poolEligible: false }),
    ]);
    expect(await handOverOf(tenant, 'cairo')).toMatchObject({ reason: 'NOT_POOL_ELIGIBLE', destinationCountry: 'EG' });
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'cairo', durationSeconds: 600 })]);
    await eventually(async () => {
      const calls = await http<{ callId: string; seconds: number | null; poolMinutes: number | null }[]>(
        'GET',
        `${system.url('pool-ledger')}/tenants/${tenant}/pool/calls?month=2026-11`,
      );
      expect(calls.body).toEqual([expect.objectContaining({ callId: 'cairo', seconds: 600, poolMinutes: null })]);
    });
    expect(await pool(tenant)).toMatchObject({ usedMinutes: 0, availableMinutes: 60 });
  });

  it('settles in its bookkeeping group: call-ended never queues ahead of an admission, and an end read first settles the call once admitted', async () => {
    const tenant = uniqueTenant('settle');
    await kafka.publish(Topics.LicensingEvents, [seats(tenant, 'OFFICE_365_E5', 1)]);
    await poolReaches(tenant, { capacityMinutes: 60 });
    // The end first: the groups read their topics independently, so this order is an ordinary one.
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'early-end', durationSeconds: 125 })]);
    const group = `${system.prefix}pool-ledger`;
    await kafka.waitUntilCaughtUp(`${group}.bookkeeping`, Topics.CallEnded);
    await kafka.publish(Topics.LicensingEvents, [entitled(tenant, 'early-end')]);
    expect(await decisionOf(tenant, 'early-end')).toMatchObject({ funding: 'pool', maxDurationSeconds: 3600 });
    await poolReaches(tenant, { usedMinutes: 3, reservedMinutes: 0, availableMinutes: 57 });

    expect(await kafka.hasCommitted(group, Topics.CallEnded)).toBe(false);
    expect([...(await kafka.committedOffsets(group, Topics.LicensingEvents)).values()].some((offset) => offset > 0n)).toBe(true);
  });

  describe('the users it learns from licensing (the one-hop admission replica)', () => {
    type Learned = { known: boolean; edition: number | null; users: { userId: string; usageLocation: string | null; licenses: string[] }[] };
    const learned = async (tenantId: string) => (await http<Learned>('GET', `${system.url('pool-ledger')}/tenants/${tenantId}/learned-callers`)).body;
    const restated = (tenantId: string, page: number, pages: number, edition: number, users: Learned['users']) =>
      serviceEvent('LicensedUsersRestated', tenantId, { users, page, pages, edition });
    const user = (tenantId: string, userId: string, usageLocation: string | null) => serviceEvent('UserUpserted', tenantId, { userId, usageLocation });
    const licence = (tenantId: string, userId: string, sku: string, assigned = true) =>
      serviceEvent(assigned ? 'LicenseAssigned' : 'LicenseUnassigned', tenantId, { userId, sku });

    it('knows a tenant once every page of a hand-over restatement is in, and keeps it by the changes published after', async () => {
      const tenant = uniqueTenant('callers');
      await kafka.publish(Topics.LicensingEvents, [
        // Learned before any restatement: kept, but the tenant is not known (older users may be missing).
        user(tenant, 'early', 'GB'),
        licence(tenant, 'early', 'OFFICE_365_E5'),
        // Licensing's edition 1 (while it still decides every call itself) makes no tenant known.
        restated(tenant, 1, 1, 1, [{ userId: 'alice', usageLocation: 'US', licenses: ['OFFICE_365_E5'] }]),
      ]);
      await eventually(async () => expect(await learned(tenant)).toMatchObject({ known: false, edition: 1 }));

      await kafka.publish(Topics.LicensingEvents, [
        restated(tenant, 1, 2, 2, [{ userId: 'alice', usageLocation: 'US', licenses: ['COMMUNICATIONS_CREDITS', 'OFFICE_365_E5'] }]),
      ]);
      await eventually(async () => expect(await learned(tenant)).toMatchObject({ edition: 2, users: [{ userId: 'alice' }] }));
      expect((await learned(tenant)).known).toBe(false);

      await kafka.publish(Topics.LicensingEvents, [
        restated(tenant, 2, 2, 2, [{ userId: 'bob', usageLocation: null, licenses: [] }]),
        user(tenant, 'bob', 'FR'),
        licence(tenant, 'bob', 'AUDIO_CONFERENCING'),
        licence(tenant, 'alice', 'COMMUNICATIONS_CREDITS', false),
        user(tenant, 'carol', 'DE'),
      ]);
      await eventually(async () =>
        expect(await learned(tenant)).toMatchObject({
          known: true,
          edition: 2,
          users: [
            { userId: 'alice', usageLocation: 'US', licenses: ['OFFICE_365_E5'] },
            { userId: 'bob', usageLocation: 'FR', licenses: ['AUDIO_CONFERENCING'] },
            { userId: 'carol', usageLocation: 'DE', licenses: [] },
          ],
        }),
      );
    });

    it("learns the tenant's dial-out policies as licensing does: known by a restatement, kept by the grants after it", async () => {
      const tenant = uniqueTenant('policies');
      type Policies = { known: boolean; globalPolicy: string | null; userPolicies: { userId: string; policyName: string }[] };
      const policies = async () => (await http<Policies>('GET', `${system.url('pool-ledger')}/tenants/${tenant}/learned-dialout-policies`)).body;
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('DialoutPoliciesRestated', tenant, {
          globalPolicy: null,
          userPolicies: [{ userId: 'walled', policyName: 'DialoutCPCZoneAPSTNDomestic' }],
          page: 1,
          pages: 1,
          edition: 2,
        }),
        serviceEvent('GlobalPolicyGranted', tenant, { policyName: 'DialoutCPCandPSTNInternational' }),
        serviceEvent('UserPolicyGranted', tenant, { userId: 'walled', policyName: null }),
      ]);
      await eventually(async () =>
        expect(await policies()).toEqual(expect.objectContaining({ known: true, globalPolicy: 'DialoutCPCandPSTNInternational', userPolicies: [] })),
      );
    });

    it('takes a newer restatement as the users when it was made, in place of what it had', async () => {
      const tenant = uniqueTenant('callers');
      await kafka.publish(Topics.LicensingEvents, [
        restated(tenant, 1, 1, 2, [{ userId: 'gone', usageLocation: 'US', licenses: ['OFFICE_365_E5'] }]),
        restated(tenant, 1, 1, 3, [{ userId: 'kept', usageLocation: 'CA', licenses: ['PHONE_SYSTEM'] }]),
      ]);
      await eventually(async () =>
        expect(await learned(tenant)).toMatchObject({ known: true, edition: 3, users: [{ userId: 'kept', usageLocation: 'CA', licenses: ['PHONE_SYSTEM'] }] }),
      );
      expect((await learned(tenant)).users).toHaveLength(1);
    });
  });

  describe('admission in one hop: the front door of outbound calls', () => {
    const tenant = uniqueTenant('onehop');
    const started = (callId: string, overrides: Record<string, unknown> = {}) =>
      callStarted({ tenantId: tenant, callId, userId: 'organizer', to: '+33142685300', ...overrides });
    const onPool = (callId: string) => poolEvents.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId);
    const referralOf = async (tenantId: string, callId: string) => handOverOf(tenantId, callId, 'CallReferred');

    beforeAll(async () => {
      await kafka.publish(Topics.LicensingEvents, [
        seats(tenant, 'OFFICE_365_E5', 10),
        serviceEvent('LicensedUsersRestated', tenant, {
          users: [
            { userId: 'caller', usageLocation: 'US', licenses: ['DOMESTIC_CALLING_PLAN', 'PHONE_SYSTEM'] },
            { userId: 'nowhere', usageLocation: null, licenses: [] },
            { userId: 'organizer', usageLocation: 'US', licenses: ['COMMUNICATIONS_CREDITS', 'OFFICE_365_E5'] },
            { userId: 'walled', usageLocation: 'US', licenses: ['OFFICE_365_E5'] },
          ],
          page: 1,
          pages: 1,
          edition: 2,
        }),
      ]);
      await kafka.publish(Topics.DialoutPolicyEvents, [
        serviceEvent('DialoutPoliciesRestated', tenant, {
          globalPolicy: null,
          userPolicies: [{ userId: 'walled', policyName: 'DialoutCPCDisabledPSTNDomestic' }],
          page: 1,
          pages: 1,
          edition: 2,
        }),
      ]);
      const known = async (path: string) => (await http<{ known: boolean }>('GET', `${system.url('pool-ledger')}/tenants/${tenant}/${path}`)).body.known;
      await eventually(async () => expect([await known('learned-callers'), await known('learned-dialout-policies')]).toEqual([true, true]));
      await poolReaches(tenant, { capacityMinutes: 600 }, monthOf(new Date()));
    });

    it('screens, entitles and admits a Zone A dial-out from the pool in one decision, stating what each stage found', async () => {
      await kafka.publish(Topics.CallStarted, [started('zone-a')]);
      expect(await decisionOf(tenant, 'zone-a')).toMatchObject({ type: 'CallAdmitted', funding: 'pool', decidedBy: 'pool-ledger', maxDurationSeconds: 3600 });
      await eventually(() => expect(onPool('zone-a').map((m) => m.json?.['type'])).toEqual(['CallScreened', 'CallEntitled', 'PoolMinutesReserved']));
      expect(onPool('zone-a')[0]!.json).toMatchObject({
        outcome: 'cleared',
        destinationCountry: 'FR',
        policyName: 'DialoutCPCandPSTNInternational',
        policySource: 'global',
      });
      expect(onPool('zone-a')[1]!.json).toMatchObject({ poolEligible: true, creditsLicensed: true, capability: 'MCOMEETADD', usageLocation: 'US' });
    });

    it('hands a dial-out the pool does not cover to the wallet, as stage 3 does', async () => {
      await kafka.publish(Topics.CallStarted, [started('dubai', { to: '+97142345678' })]); // not Zone A
      expect(await handOverOf(tenant, 'dubai')).toMatchObject({ reason: 'NOT_POOL_ELIGIBLE', destinationCountry: 'AE', creditsLicensed: true });
    });

    it('decides by the rule of the service it stands in for: a calling plan admits, a policy refuses', async () => {
      await kafka.publish(Topics.CallStarted, [
        started('domestic', { callType: 'user_out', userId: 'caller', to: '+12065550100' }),
        started('walled', { userId: 'walled' }),
      ]);
      expect(await decisionOf(tenant, 'domestic')).toMatchObject({
        type: 'CallAdmitted',
        funding: 'calling-plan',
        decidedBy: 'licensing',
        capability: 'MCOPSTN1',
      });
      expect(await decisionOf(tenant, 'walled')).toMatchObject({ type: 'CallRejected', reason: 'DIALOUT_POLICY_BLOCKED', decidedBy: 'dialout-policy' });
    });

    it('refers, rather than refuses, a call the licences it learned do not entitle: licensing owns them', async () => {
      await kafka.publish(Topics.CallStarted, [started('no-credits', { callType: 'user_out', userId: 'caller', to: '+442079460000' })]);
      expect(await referralOf(tenant, 'no-credits')).toMatchObject({ reason: 'NOT_ENTITLED_HERE', callType: 'user_out', userId: 'caller' });
      // Nothing stated here: licensing screens and decides it, once.
      expect(onPool('no-credits').map((m) => m.json?.['type'])).toEqual(['CallReferred']);
    });

    it('refers to licensing, saying why, every call it cannot decide here', async () => {
      const stranger = uniqueTenant('stranger');
      await kafka.publish(Topics.CallStarted, [
        callStarted({ tenantId: stranger, callId: 'unknown-tenant', to: '+33142685300' }),
        started('unknown-user', { userId: 'ghost' }),
        started('no-location', { userId: 'nowhere' }),
      ]);
      expect(await referralOf(stranger, 'unknown-tenant')).toMatchObject({ reason: 'USERS_NOT_KNOWN', userId: 'alice', to: '+33142685300' });
      expect(await referralOf(tenant, 'unknown-user')).toMatchObject({ reason: 'USER_NOT_KNOWN' });
      expect(await referralOf(tenant, 'no-location')).toMatchObject({ reason: 'USAGE_LOCATION_NOT_KNOWN' });
      // Referred, not decided: no decision of the pool's own for them.
      await kafka.publish(Topics.CallStarted, [started('marker')]);
      await decisionOf(tenant, 'marker');
      expect(decisions.messages.filter((m) => ['unknown-user', 'no-location'].includes(String(m.json?.['callId'])))).toEqual([]);
    });

    it('decides a call once however often it starts, under the same or a new event id', async () => {
      const call = started('once');
      await kafka.publish(Topics.CallStarted, [call, call, { ...call, eventId: randomUUID() }]);
      await decisionOf(tenant, 'once');
      await kafka.publish(Topics.CallStarted, [started('after-once')]);
      await decisionOf(tenant, 'after-once');
      expect(decisions.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'once')).toHaveLength(1);
      expect(onPool('once').filter((m) => m.json?.['type'] === 'CallScreened')).toHaveLength(1);
    });
  });
});
