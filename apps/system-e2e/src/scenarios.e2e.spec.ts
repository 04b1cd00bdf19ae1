import { Decimal } from 'decimal.js';
import { Topics } from '@comms-credits/contracts';
import { startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, eventually } from '@comms-credits/testing';
import { allServices } from './all-services';
import { World } from './scenario-kit';

/**
 * The article's scenarios, end to end: all five services on the real broker and database,
 * driven only through upstream events and the ops APIs, checked on calls.decisions and every
 * read model a user would look at.
 */
describe('scenarios', () => {
  let world: World;

  beforeAll(async () => {
    const system = await startTestSystem(allServices);
    const kafka = new TestKafka(undefined, system.prefix);
    world = new World(
      system,
      kafka,
      await kafka.collect(Topics.CallDecisions),
      await kafka.collect(Topics.CreditWalletEvents),
      await kafka.collect(Topics.TollFreeEvents),
    );
  });
  afterAll(async () => {
    await world?.kafka.close();
    await world?.system.stop();
  });

  /** A tenant with `seats` E5 seats and an organizer, alice, in the US. */
  async function meetingTenant(label: string, seats: number, aliceLicences: string[] = ['OFFICE_365_E5']) {
    const tenant = world.tenant(label);
    await tenant.seats('OFFICE_365_E5', seats);
    await tenant.user('alice', 'US', aliceLicences);
    await tenant.poolReaches({ capacityMinutes: 60 * seats });
    return tenant;
  }

  async function dialIn(tenant: ReturnType<World['tenant']>, callIds: string[], to: string, seconds: number) {
    await tenant.publish(...callIds.map((id) => tenant.started(id, { userId: 'alice', to })));
    for (const id of callIds) await tenant.decision(id);
    await tenant.publish(...callIds.map((id) => tenant.ended(id, seconds)));
  }

  it('10 E5 seats: 5 participants dialled in to Zone A for 60 minutes use 300 minutes, leave 300, spend no credits', async () => {
    const tenant = await meetingTenant('ten-seats', 10, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.fund('20.00');
    const legs = ['leg1', 'leg2', 'leg3', 'leg4', 'leg5'];
    await dialIn(tenant, legs, '+33142685300', 3600);
    for (const id of legs) expect(await tenant.decision(id)).toMatchObject({ type: 'CallAdmitted', funding: 'pool', decidedBy: 'pool-ledger' });
    await tenant.poolReaches({ capacityMinutes: 600, usedMinutes: 300, availableMinutes: 300 });
    expect((await tenant.wallet()).balance.amount).toBe('20.00');
    for (const id of legs) expect(await tenant.chargesOf(id)).toEqual([]);
  });

  it('pool used up and no billed credits: the next Zone A dial-out is rejected (POOL_EXHAUSTED_NO_CREDITS)', async () => {
    const tenant = await meetingTenant('no-credits', 1);
    await dialIn(tenant, ['fill'], '+33142685300', 3600);
    await tenant.poolReaches({ usedMinutes: 60, availableMinutes: 0 });
    await tenant.publish(tenant.started('next', { userId: 'alice', to: '+442079460000' }));
    expect(await tenant.decision('next')).toMatchObject({ type: 'CallRejected', reason: 'POOL_EXHAUSTED_NO_CREDITS' });
  });

  it('pool used up with credits funded and the licence assigned: the next Zone A dial-out is charged per minute', async () => {
    const tenant = await meetingTenant('overflow-credits', 1, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.fund('20.00');
    await dialIn(tenant, ['fill'], '+33142685300', 3600);
    await tenant.poolReaches({ availableMinutes: 0 });
    await tenant.publish(tenant.started('paid', { userId: 'alice', to: '+33142685300' }));
    expect(await tenant.decision('paid')).toMatchObject({ type: 'CallAdmitted', funding: 'credits', decidedBy: 'credit-wallet' });
    await tenant.publish(tenant.ended('paid', 7 * 60 - 5)); // 6:55 → 7 minutes
    const expected = await world.expectedCharge('dialOut', 'FR', 7 * 60 - 5);
    await eventually(async () => expect(await tenant.chargesOf('paid')).toEqual([expected]));
    await tenant.balanceReaches((20 - Number(expected)).toFixed(2));
  });

  it('dial-out outside Zone A: charged at the destination rate without touching the pool; without the credits licence, rejected', async () => {
    const tenant = await meetingTenant('egypt', 5, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.user('bob', 'US', ['OFFICE_365_E5']);
    await tenant.fund('20.00');
    await tenant.publish(tenant.started('cairo', { userId: 'alice', to: '+20223456789' }));
    expect(await tenant.decision('cairo')).toMatchObject({ type: 'CallAdmitted', funding: 'credits' });
    await tenant.publish(tenant.ended('cairo', 61));
    const expected = await world.expectedCharge('dialOut', 'EG', 61);
    await eventually(async () => expect(await tenant.chargesOf('cairo')).toEqual([expected]));
    expect(await tenant.pool()).toMatchObject({ usedMinutes: 0, availableMinutes: 300 });

    await tenant.publish(tenant.started('cairo-bob', { userId: 'bob', to: '+20223456789' }));
    expect(await tenant.decision('cairo-bob')).toMatchObject({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
  });

  it('a call that starts inside the pool and outlasts it continues on credits: the pool covers its minutes, the wallet charges exactly the rest', async () => {
    const tenant = await meetingTenant('outlast', 1, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.fund('20.00');
    await tenant.publish(tenant.started('long', { userId: 'alice', to: '+33142685300' }));
    // 60 pool minutes are fewer than a call may run (120): the organizer may bill credits, so it continues on them.
    const long = await tenant.decision('long');
    expect(long).toMatchObject({ type: 'CallAdmitted', funding: 'pool', decidedBy: 'credit-wallet', split: { poolSeconds: 3600 } });
    const split = long['split'] as { poolSeconds: number; creditSeconds: number };
    expect(split.creditSeconds).toBe(3600);
    expect(long['maxDurationSeconds']).toBe(split.poolSeconds + split.creditSeconds);
    // The pool's minutes are reserved for 'long': the next call is funded by credits from its start.
    await tenant.publish(tenant.started('other', { userId: 'alice', to: '+33142685300' }));
    expect(await tenant.decision('other')).toMatchObject({ funding: 'credits', decidedBy: 'credit-wallet' });
    await tenant.publish(tenant.ended('other', 40 * 60), tenant.ended('long', 75 * 60));
    await tenant.poolReaches({ usedMinutes: 60, availableMinutes: 0 });
    // 75 minutes: 60 from the pool, the other 15 at the FR rate without a connection fee (the pool admitted the call).
    const continuation = await world.expectedCharge('dialOut', 'FR', 15 * 60, false);
    await eventually(async () => expect(await tenant.chargesOf('long')).toEqual([continuation]));
    const other = await world.expectedCharge('dialOut', 'FR', 40 * 60);
    await eventually(async () => expect(await tenant.chargesOf('other')).toEqual([other]));
    await tenant.balanceReaches(new Decimal('20.00').minus(continuation).minus(other).toFixed(2));
  });

  it('auto-recharge watches the available balance: a hold that takes it below the trigger recharges once', async () => {
    const tenant = await meetingTenant('recharge', 1, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.fund('5.00');
    await tenant.autoRecharge('tok_sandbox_success', '4.50', '25.00');
    const charge = await world.expectedCharge('dialOut', 'EG', 180);
    await tenant.publish(tenant.started('r1', { userId: 'alice', to: '+20223456789' }));
    expect(await tenant.decision('r1')).toMatchObject({ funding: 'credits' });
    await tenant.publish(tenant.ended('r1', 180));
    await eventually(async () => expect(await tenant.chargesOf('r1')).toEqual([charge]));
    // The hold took the available balance below $4.50: one recharge of $25, whatever followed.
    await tenant.balanceReaches(new Decimal('5.00').minus(charge).plus('25.00').toFixed(2));
    const recharged = (m: { json?: Record<string, unknown> }) => m.json?.['tenantId'] === tenant.id && m.json?.['type'] === 'AutoRechargeSucceeded';
    await world.walletEvents.waitFor(recharged);
    expect(world.walletEvents.messages.filter(recharged)).toHaveLength(1);
  });

  it('a declined card: the failure event, then at zero billed calls are rejected and toll-free numbers suspended', async () => {
    const tenant = await meetingTenant('declined', 1, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.seats('PHONE_SYSTEM', 1);
    // $1.93 is exactly 100 minutes of US toll-free inbound (no connection fee): a call granted
    // all of it drains the wallet to $0.00.
    await tenant.fund('1.93');
    await tenant.autoRecharge('tok_sandbox_decline', '0.50', '25.00');
    const number = await eventually(async () => {
      const answer = await tenant.tollFree('POST', '', { country: 'US' });
      if (answer.status !== 201) throw new Error(`answered ${answer.status}`);
      return String(answer.body['number']);
    });
    const inbound = (callId: string) => tenant.started(callId, { callType: 'ucap_in', userId: undefined, from: '+14255550111', to: number });
    await tenant.publish(inbound('drain'));
    const admitted = await tenant.decision('drain');
    expect(admitted).toMatchObject({ funding: 'credits', maxDurationSeconds: 6000 });
    await tenant.publish(tenant.ended('drain', 6000));
    await tenant.balanceReaches('0.00');
    await world.walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant.id && m.json?.['type'] === 'AutoRechargeFailed');
    await world.tollFreeEvents.waitFor((m) => m.json?.['tenantId'] === tenant.id && m.json?.['type'] === 'TollFreeNumbersSuspended');
    const numbers = (await tenant.tollFree('GET')).body as unknown as { status: string }[];
    expect(numbers.map((n) => n.status)).toEqual(['suspended']);

    await tenant.publish(inbound('to-suspended'), tenant.started('billed', { userId: 'alice', to: '+20223456789' }));
    expect(await tenant.decision('to-suspended')).toMatchObject({ type: 'CallRejected', reason: 'TOLL_FREE_NUMBER_SUSPENDED' });
    expect(await tenant.decision('billed')).toMatchObject({ type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS' });
  });

  it('toll-free: refused at $0.00, allowed at $20.00, and inbound minutes are charged to the wallet at the number’s rate', async () => {
    const tenant = world.tenant('toll-free');
    await tenant.seats('PHONE_SYSTEM', 3);
    await tenant.fund('0.00').catch(() => undefined); // a zero funding is refused: the wallet stays at $0.00
    expect((await tenant.tollFree('POST', '', { country: 'US' })).body).toMatchObject({ code: 'TOLL_FREE_REQUIRES_CREDITS' });
    await tenant.fund('20.00');
    const acquired = await eventually(async () => {
      const answer = await tenant.tollFree('POST', '', { country: 'US' });
      if (answer.status !== 201) throw new Error(`answered ${answer.status}`);
      return answer.body;
    });
    const number = String(acquired['number']);
    await tenant.publish(tenant.started('inbound', { callType: 'ucap_in', userId: undefined, from: '+14255550111', to: number }));
    expect(await tenant.decision('inbound')).toMatchObject({ type: 'CallAdmitted', funding: 'credits', decidedBy: 'credit-wallet' });
    await tenant.publish(tenant.ended('inbound', 125));
    const expected = await world.expectedCharge('tollFreeInbound', 'US', 125);
    await eventually(async () => expect(await tenant.chargesOf('inbound')).toEqual([expected]));
    expect(await tenant.pool()).toMatchObject({ usedMinutes: 0 });
  });

  it('a user on a domestic calling plan calls abroad: charged to the wallet with the credits licence, rejected without', async () => {
    const tenant = world.tenant('plan');
    await tenant.seats('PHONE_SYSTEM', 2);
    await tenant.seats('DOMESTIC_CALLING_PLAN', 2);
    await tenant.user('bob', 'US', ['PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN', 'COMMUNICATIONS_CREDITS']);
    await tenant.user('carol', 'US', ['PHONE_SYSTEM', 'DOMESTIC_CALLING_PLAN']);
    await tenant.fund('20.00');
    await tenant.publish(tenant.started('bob-uk', { callType: 'user_out', userId: 'bob', to: '+442079460000' }));
    expect(await tenant.decision('bob-uk')).toMatchObject({ type: 'CallAdmitted', funding: 'credits' });
    await tenant.publish(tenant.ended('bob-uk', 600));
    const expected = await world.expectedCharge('dialOut', 'GB', 600);
    await eventually(async () => expect(await tenant.chargesOf('bob-uk')).toEqual([expected]));
    await tenant.publish(tenant.started('carol-uk', { callType: 'user_out', userId: 'carol', to: '+442079460000' }));
    expect(await tenant.decision('carol-uk')).toMatchObject({ type: 'CallRejected', reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
  });

  it('DialoutCPCZoneAPSTNDisabled: meeting dial-out outside Zone A and a personal call are rejected; an emergency call passes', async () => {
    const tenant = await meetingTenant('zone-a', 2, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.policy('alice', 'DialoutCPCZoneAPSTNDisabled');
    await tenant.publish(
      tenant.started('egypt', { userId: 'alice', to: '+20223456789' }),
      tenant.started('personal', { callType: 'user_out', userId: 'alice', to: '+14255550123' }),
      tenant.started('emergency', { callType: 'user_out', userId: 'alice', to: '911' }),
    );
    expect(await tenant.decision('egypt')).toMatchObject({ type: 'CallRejected', reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'CPC' } });
    expect(await tenant.decision('personal')).toMatchObject({ type: 'CallRejected', reason: 'DIALOUT_POLICY_BLOCKED', details: { control: 'PSTN' } });
    expect(await tenant.decision('emergency')).toMatchObject({ type: 'CallAdmitted', funding: 'free' });
  });

  it('a new month restores the pool; every event delivered twice and shuffled within each call gives the same books', async () => {
    const tenant = await meetingTenant('months', 1, ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.fund('20.00');
    const october = (id: string) => tenant.started(id, { userId: 'alice', to: '+33142685300', occurredAt: '2026-10-31T23:00:00.000Z' });
    // o1 and o2 fill October's pool (o2's end before its start), every event twice; o3 comes
    // after them. Whether the pool admits o3 (when its hand-over shares a chunk with theirs)
    // or finds the pool empty, its 10 minutes are paid once: as overflow or as a credits call.
    const o1 = { started: october('o1'), ended: tenant.ended('o1', 1800) };
    const o2 = { started: october('o2'), ended: tenant.ended('o2', 1799) };
    const o3 = { started: october('o3'), ended: tenant.ended('o3', 600) };
    // o2 starts once o1 is settled: o1's reservation (the whole 60 minutes) is released by its
    // settlement, which travels on another topic than o2's admission.
    await tenant.publish(o1.started, o1.ended, o1.started, o1.ended);
    expect(await tenant.decision('o1')).toMatchObject({ funding: 'pool' });
    await tenant.poolReaches({ usedMinutes: 30, reservedMinutes: 0 }, '2026-10');
    await tenant.publish(o2.ended, o2.ended, o2.started, o2.started);
    expect(await tenant.decision('o2')).toMatchObject({ funding: 'pool' });
    await tenant.publish(o3.started, o3.ended, o3.ended, o3.started);

    const o3Funding = (await tenant.decision('o3'))['funding'];
    expect(['pool', 'credits']).toContain(o3Funding);
    await tenant.poolReaches({ usedMinutes: 60, availableMinutes: 0 }, '2026-10');
    await tenant.poolReaches({ usedMinutes: 0, availableMinutes: 60 }, '2026-11');
    // Overflow minutes carry no connection fee (the pool admitted the call); a credits call does.
    const o3Charge = await world.expectedCharge('dialOut', 'FR', 600, o3Funding === 'credits');
    await eventually(async () => expect(await tenant.chargesOf('o3')).toEqual([o3Charge]));

    // A marker call proves every repeat was processed: still one decision and one charge each.
    await tenant.publish(tenant.started('marker', { userId: 'alice', to: '+14255550123' }));
    await tenant.decision('marker');
    for (const id of ['o1', 'o2', 'o3']) expect(tenant.decisionsOf(id)).toHaveLength(1);
    expect(await tenant.chargesOf('o3')).toEqual([o3Charge]);
    expect(await tenant.chargesOf('o1')).toEqual([]);
    await tenant.balanceReaches((20 - Number(o3Charge)).toFixed(2));
  });
});
