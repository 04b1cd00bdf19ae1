import { randomUUID } from 'node:crypto';
import { Topics, monthOf, tollFreeSchemas } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, callStarted, eventually, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { Client } from 'pg';
import { TollFreeNumberView } from './application/toll-free.queries';
import { acquire, givenAccount, quotaOnceItShows, walletBalanceChanged } from './test-support/toll-free.fixtures';
import { tollFreeService } from './toll-free.service';

describe('inbound admission (toll-free stage)', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let events: Collector;
  let url: string;
  const tenant = uniqueTenant('fabrikam');
  const suspendedTenant = uniqueTenant('broke');
  let active: string;
  let suspended: string;

  beforeAll(async () => {
    system = await startTestSystem([tollFreeService]);
    kafka = new TestKafka(undefined, system.prefix);
    url = system.url('toll-free');
    decisions = await kafka.collect(Topics.CallDecisions);
    events = await kafka.collect(Topics.TollFreeEvents);
    for (const t of [tenant, suspendedTenant]) await givenAccount(kafka, url, t, { seats: { OFFICE_365_E5: 1 }, balance: '20.00' });
    active = (await acquire(url, tenant, 'CA')).body['number'] as string;
    suspended = (await acquire(url, suspendedTenant, 'US')).body['number'] as string;
    await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(suspendedTenant, '0.00')]);
    await quotaOnceItShows(url, suspendedTenant, { suspended: true });
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const inbound = (t: string, callId: string, to: string, callType: 'conf_in' | 'user_in' | 'ucap_in' = 'ucap_in') =>
    callStarted({ tenantId: t, callId, callType, to, from: '+14255550100', ...(callType === 'ucap_in' ? { userId: undefined } : { userId: 'alice' }) });
  const decisionOf = async (t: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === t && m.json?.['callId'] === callId))[0]!.json;
  const routedOf = async (callId: string) => (await events.waitFor((m) => m.json?.['type'] === 'TollFreeCallRouted' && m.json?.['callId'] === callId))[0]!.json;

  it('hands a call to an active toll-free number of the tenant to the wallet', async () => {
    const call = inbound(tenant, 'to-active', active);
    await kafka.publish(Topics.CallStarted, [call]);
    const routed = await routedOf('to-active');
    // What the wallet reads: the contract's TollFreeCallRoutedV1.
    expect(tollFreeSchemas().validate(routed)).toMatchObject({ ok: true });
    expect(routed).toEqual({
      eventId: expect.any(String),
      type: 'TollFreeCallRouted',
      version: 1,
      occurredAt: expect.any(String),
      tenantId: tenant,
      correlationId: 'to-active',
      causationId: call.eventId,
      callId: 'to-active',
      callType: 'ucap_in',
      from: '+14255550100',
      to: active,
      numberCountry: 'CA',
      startedAt: call.occurredAt,
    });
  });

  it('rejects a call to a suspended number', async () => {
    await kafka.publish(Topics.CallStarted, [inbound(suspendedTenant, 'to-suspended', suspended, 'conf_in')]);
    expect(await decisionOf(suspendedTenant, 'to-suspended')).toMatchObject({
      type: 'CallRejected',
      reason: 'TOLL_FREE_NUMBER_SUSPENDED',
      decidedBy: 'toll-free',
      details: { number: suspended },
    });
  });

  it("rejects a call to a toll-free number that is not the tenant's", async () => {
    // The suspended tenant's number is a toll-free number, but not this tenant's.
    await kafka.publish(Topics.CallStarted, [inbound(tenant, 'to-unknown', suspended)]);
    expect(await decisionOf(tenant, 'to-unknown')).toMatchObject({ type: 'CallRejected', reason: 'TOLL_FREE_NUMBER_UNKNOWN', decidedBy: 'toll-free' });
  });

  it('admits an inbound call to a number that is not toll-free as free', async () => {
    await kafka.publish(Topics.CallStarted, [inbound(tenant, 'to-geographic', '+14255550123', 'user_in')]);
    expect(await decisionOf(tenant, 'to-geographic')).toMatchObject({
      type: 'CallAdmitted',
      funding: 'free',
      maxDurationSeconds: null,
      decidedBy: 'toll-free',
    });
  });

  it('decides once per call whatever the repeats, and leaves outbound calls alone', async () => {
    const routed = inbound(tenant, 'routed-twice', active);
    const free = inbound(tenant, 'free-twice', '+14255550123', 'conf_in');
    await kafka.publish(Topics.CallStarted, [routed, routed, { ...routed, eventId: randomUUID() }, free, { ...free, eventId: randomUUID() }]);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'outbound', callType: 'conf_out' })]);
    await routedOf('routed-twice');
    await decisionOf(tenant, 'free-twice');
    // A later call's decision proves the repeats and the outbound call were processed, and produced nothing more.
    await kafka.publish(Topics.CallStarted, [inbound(tenant, 'marker', '+14255550123', 'user_in')]);
    await decisionOf(tenant, 'marker');
    expect(events.messages.filter((m) => m.json?.['callId'] === 'routed-twice')).toHaveLength(1);
    expect(decisions.messages.filter((m) => m.json?.['callId'] === 'routed-twice')).toHaveLength(0);
    expect(decisions.messages.filter((m) => m.json?.['callId'] === 'free-twice')).toHaveLength(1);
    expect(decisions.messages.filter((m) => m.json?.['callId'] === 'outbound')).toHaveLength(0);
  });

  it("counts the number's minutes of the routed calls the wallet charged, each rounded up, in the month of their start", async () => {
    const calls = [inbound(tenant, 'minutes-1', active), inbound(tenant, 'minutes-2', active, 'conf_in'), inbound(tenant, 'minutes-rejected', active)];
    // Ends may come before starts.
    await kafka.publish(Topics.CallEnded, [
      callEnded({ tenantId: tenant, callId: 'minutes-1', durationSeconds: 61 }),
      callEnded({ tenantId: tenant, callId: 'minutes-2', durationSeconds: 120 }),
      callEnded({ tenantId: tenant, callId: 'minutes-rejected', durationSeconds: 600 }),
    ]);
    await kafka.publish(Topics.CallStarted, calls);
    await events.waitFor((m) => m.json?.['type'] === 'TollFreeCallRouted' && m.json?.['callId'] === 'minutes-2');
    // The wallet charges two of them (and a dial-out of the same tenant); it rejected the third: its 10 minutes never count.
    const rate = { kind: 'toll-free-inbound', country: 'CA', perMinute: '0.0300', connectionFee: '0', currency: 'USD', rateCardVersion: '2026-11' };
    const money = (amount: string) => ({ amount, currency: 'USD' });
    const charge = (callId: string, seconds: number, kind = rate.kind) =>
      serviceEvent('CallCharged', tenant, {
        callId,
        kind: 'call',
        durationSeconds: seconds,
        billedMinutes: String(Math.ceil(seconds / 60)),
        rate: { ...rate, kind },
        cost: money('0.06'),
        amount: money('0.06'),
      });
    await kafka.publish(Topics.CreditWalletEvents, [
      charge('minutes-1', 61),
      charge('minutes-2', 120),
      charge('minutes-1', 61),
      charge('dial-out', 900, 'dial-out'),
    ]);
    const month = monthOf(calls[0]!.occurredAt);
    const [number] = await eventually(async () => {
      const { body } = await http<TollFreeNumberView[]>('GET', `${url}/tenants/${tenant}/toll-free-numbers?month=${month}`);
      expect(body[0]?.minutes).toBe(4);
      return body;
    });
    expect(number).toMatchObject({ number: active, status: 'active', month, minutes: 4 });
    const [other] = (await http<TollFreeNumberView[]>('GET', `${url}/tenants/${tenant}/toll-free-numbers?month=2020-01`)).body;
    expect(other).toMatchObject({ month: '2020-01', minutes: 0 });
  });

  it('rebuilds its read models (inventory, accounts, routed calls) from the event store alone', async () => {
    const settings = system.services['toll-free']!.config as unknown as Record<string, unknown>;
    const query = async (sql: string) => {
      const db = new Client({ connectionString: String(settings['DATABASE_URL']) });
      await db.connect();
      try {
        return (await db.query(sql)).rows;
      } finally {
        await db.end();
      }
    };
    const month = monthOf(new Date());
    const snapshot = async () => ({
      numbers: await Promise.all([tenant, suspendedTenant].map((t) => system.get('toll-free', `/tenants/${t}/toll-free-numbers?month=${month}`))),
      quotas: await Promise.all([tenant, suspendedTenant].map((t) => system.get('toll-free', `/tenants/${t}/toll-free-numbers/quota`))),
      inventory: await query(`SELECT country, count(*)::int AS free FROM rm_toll_free_numbers WHERE tenant_id IS NULL GROUP BY country ORDER BY country`),
    });
    const live = await snapshot();
    expect(live.inventory).toContainEqual({ country: 'CA', free: 9 });

    // Damage every read model: the rebuild must restore them from the events alone.
    await query(`UPDATE rm_toll_free_numbers SET tenant_id = NULL, target = NULL`);
    await query(`UPDATE rm_toll_free_tenants SET seats = '{}', suspended = NOT suspended`);
    await query(`DELETE FROM rm_toll_free_calls`);
    expect(await snapshot()).not.toEqual(live);

    await rebuildServiceProjections(tollFreeService, settings);
    expect(await snapshot()).toEqual(live);
  });
});
