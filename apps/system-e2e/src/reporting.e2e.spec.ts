import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Topics, monthOf } from '@comms-credits/contracts';
import { reconcileFromApis } from '@comms-credits/reporting';
import { http, operatorToken, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, eventually } from '@comms-credits/testing';
import { Webhook } from 'standardwebhooks';
import { allServices } from './all-services';
import { World } from './scenario-kit';

interface Row {
  callId: string;
  decision: string | null;
  reason: string | null;
  funding: string | null;
  poolMinutes: number | null;
  charge: string | null;
  connectionFee: string | null;
  capability: string | null;
  toCountry: string | null;
  durationSeconds: number | null;
}

/**
 * Real calls through the six services: the report's rows carry the pool's minutes and the
 * wallet's charges, its totals equal the pool's used minutes and the wallet's charges
 * (`npm run reconcile`'s comparison), and the pool's alerts arrive as signed webhooks.
 */
describe('reporting, end to end', () => {
  let world: World;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];

  beforeAll(async () => {
    const system = await startTestSystem(allServices, { REPORTING_WEBHOOK_ALLOW_PRIVATE: true, REPORTING_WEBHOOK_POLL_MS: 50 });
    const kafka = new TestKafka(undefined, system.prefix);
    world = new World(
      system,
      kafka,
      await kafka.collect(Topics.CallDecisions),
      await kafka.collect(Topics.CreditWalletEvents),
      await kafka.collect(Topics.TollFreeEvents),
    );
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 300_000);
  afterAll(async () => {
    receiver?.closeAllConnections();
    receiver?.close();
    await world?.kafka.close();
    await world?.system.stop();
  });

  it("a month of calls: the report's rows and totals equal the pool's and the wallet's; the pool's alerts arrive signed", async () => {
    const tenant = world.tenant('report');
    const reporting = world.system.url('reporting');
    const hook = await http<{ secret: string }>('PUT', `${reporting}/tenants/${tenant.id}/webhooks/ops`, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      events: ['pool.threshold_reached', 'wallet.balance_depleted'],
      enabled: true,
    });
    expect(hook.status).toBe(201);

    await tenant.seats('OFFICE_365_E5', 1);
    await tenant.user('alice', 'US', ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS']);
    await tenant.user('bob', 'US', []);
    await tenant.seats('PHONE_SYSTEM', 1);
    await tenant.seats('INTERNATIONAL_CALLING_PLAN', 1);
    await tenant.user('carol', 'US', ['PHONE_SYSTEM', 'INTERNATIONAL_CALLING_PLAN']);
    await tenant.poolReaches({ capacityMinutes: 60 });
    await tenant.fund('20.00');

    // 20 minutes from the pool; then 55 minutes of which the pool has 40 left: the other 15 on credits.
    await tenant.publish(tenant.started('first', { userId: 'alice', to: '+33142685300' }));
    expect(await tenant.decision('first')).toMatchObject({ funding: 'pool' });
    await tenant.publish(tenant.ended('first', 20 * 60 - 30));
    await tenant.poolReaches({ usedMinutes: 20 });
    await tenant.publish(tenant.started('long', { userId: 'alice', to: '+33142685300' }));
    expect(await tenant.decision('long')).toMatchObject({ funding: 'pool', split: { poolSeconds: 40 * 60 } });
    // Outside Zone A on credits from the start, with its connection fee; and one the licences refuse.
    await tenant.publish(tenant.started('cairo', { userId: 'alice', to: '+20223456789' }), tenant.started('refused', { userId: 'bob', to: '+33142685300' }));
    expect(await tenant.decision('cairo')).toMatchObject({ funding: 'credits' });
    expect(await tenant.decision('refused')).toMatchObject({ type: 'CallRejected' });
    // A domestic call on carol's international plan: the report names the plan licensing admitted it under.
    await tenant.publish(tenant.started('plan', { callType: 'user_out', userId: 'carol', to: '+14255550123' }));
    expect(await tenant.decision('plan')).toMatchObject({ funding: 'calling-plan', capability: 'MCOPSTN2' });
    await tenant.publish(tenant.ended('long', 55 * 60), tenant.ended('cairo', 61), tenant.ended('refused', 10), tenant.ended('plan', 30));
    await tenant.poolReaches({ usedMinutes: 60 });

    const continuation = await world.expectedCharge('dialOut', 'FR', 15 * 60, false);
    const cairo = await world.expectedCharge('dialOut', 'EG', 61);
    const month = monthOf(new Date());
    const rows = await eventually(async () => {
      const page = await http<{ items: Row[] }>('GET', `${reporting}/tenants/${tenant.id}/usage`);
      const byId = Object.fromEntries(page.body.items.map((r) => [r.callId, r]));
      expect(byId['first']).toMatchObject({
        decision: 'admitted',
        funding: 'pool',
        poolMinutes: 20,
        charge: '0.00',
        capability: 'MCOMEETADD',
        toCountry: 'FR',
      });
      expect(byId['long']).toMatchObject({
        funding: 'pool',
        poolMinutes: 40,
        charge: continuation,
        connectionFee: null,
        capability: 'MCOPSTNPP',
        durationSeconds: 3300,
      });
      expect(byId['cairo']).toMatchObject({ funding: 'credits', poolMinutes: 0, charge: cairo, capability: 'MCOPSTNPP', toCountry: 'EG' });
      expect(byId['refused']).toMatchObject({
        decision: 'rejected',
        reason: 'NO_AUDIO_CONFERENCING_LICENSE',
        durationSeconds: 0,
        charge: null,
        poolMinutes: 0,
      });
      expect(byId['plan']).toMatchObject({
        decision: 'admitted',
        funding: 'calling-plan',
        capability: 'MCOPSTN2',
        poolMinutes: 0,
        charge: '0.00',
        toCountry: 'US',
        durationSeconds: 30,
      });
      return page.body.items;
    });
    expect(rows).toHaveLength(5);
    for (const id of ['long', 'cairo']) expect(await tenant.chargesOf(id)).toEqual([rows.find((r) => r.callId === id)!.charge]);

    const token = await operatorToken();
    const get = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
      return response.json() as Promise<unknown>;
    };
    const urls = { reporting, poolLedger: world.system.url('pool-ledger'), creditWallet: world.system.url('credit-wallet') };
    const reconciliation = await reconcileFromApis(urls, tenant.id, month, get);
    expect(reconciliation).toMatchObject({ agrees: true, differences: [], report: { calls: 5, poolMinutes: 60 }, pool: { usedMinutes: 60 } });
    expect(reconciliation.report.charges).toBe(reconciliation.wallet.charges);
    expect(Number(reconciliation.report.charges)).toBeCloseTo(Number(continuation) + Number(cairo), 10);
    const summary = await http<{ totals: { poolMinutes: number; minutes: number; charges: { amount: string } } }>(
      'GET',
      `${reporting}/tenants/${tenant.id}/usage/summary?groupBy=callType`,
    );
    expect(summary.body.totals).toMatchObject({ poolMinutes: 60, minutes: 20 + 55 + 2 + 1, charges: { amount: reconciliation.wallet.charges } });

    // 80 % and 100 % of the pool: two signed deliveries.
    await eventually(() => expect(received.filter((r) => JSON.parse(r.body).type === 'pool.threshold_reached')).toHaveLength(2));
    for (const delivery of received) {
      expect(new Webhook(hook.body.secret).verify(delivery.body, delivery.headers)).toMatchObject({ data: { tenantId: tenant.id } });
    }
  });
});
