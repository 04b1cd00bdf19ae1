import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Topics } from '@comms-credits/contracts';
import { EventStore, Transactions, rebuildProjections } from '@comms-credits/event-store';
import { ANONYMOUS, TestSystem, asRole, http, operatorToken, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, callEnded, callStarted, eventually, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { parse } from 'csv-parse/sync';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { USAGE_COLUMNS, UsageRow } from './domain/usage-row';
import { summarize } from './domain/usage-summary';
import { reportingService } from './reporting.service';

type Page = { items: UsageRow[]; nextCursor: string | null };

/** A local receiver on 127.0.0.1 whose answer the test decides per request. */
class Receiver {
  readonly requests: { headers: Record<string, string>; body: string; at: number }[] = [];
  private server!: Server;
  url = '';
  constructor(private readonly answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) {}
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.requests.push({ headers: req.headers as Record<string, string>, body, at: Date.now() });
        this.answer(this.requests.length, req, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('reporting service', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let base: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    system = await startTestSystem([reportingService], {
      REPORTING_WEBHOOK_ALLOW_PRIVATE: true,
      REPORTING_WEBHOOK_RETRY_BASE_MS: 50,
      REPORTING_WEBHOOK_POLL_MS: 20,
      REPORTING_WEBHOOK_TIMEOUT_MS: 10_000,
    });
    kafka = new TestKafka(undefined, system.prefix);
    base = system.url('reporting');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await kafka?.close();
    await system?.stop();
  });

  const receiver = async (answer: (n: number, req: IncomingMessage, res: ServerResponse) => void) => {
    const r = await new Receiver(answer).start();
    receivers.push(r);
    return r;
  };
  const usage = async (tenant: string, query = '') => {
    const response = await http<Page>('GET', `${base}/tenants/${tenant}/usage?from=2026-11-01&to=2026-12-01${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const rowOf = async (tenant: string, callId: string) => (await usage(tenant)).items.find((r) => r.callId === callId);
  const at = '2026-11-24T10:00:00.000Z';
  const rate = (country: string, perMinute: string, connectionFee: string, kind = 'dial-out') => ({
    kind,
    country,
    perMinute,
    connectionFee,
    currency: 'USD',
    rateCardVersion: '2026-11',
    increment: { first: 60, next: 60 },
  });
  const money = (amount: string) => ({ amount, currency: 'USD' });
  const charged = (tenant: string, callId: string, kind: string, cost: string, r: ReturnType<typeof rate>, extra: Record<string, unknown> = {}) =>
    serviceEvent('CallCharged', tenant, {
      callId,
      kind,
      causationEventId: randomUUID(),
      durationSeconds: 0,
      billedMinutes: '1',
      unbilledSeconds: 0,
      rate: r,
      cost: money(cost),
      amount: money(cost),
      shortfall: money('0.00'),
      lots: [],
      balanceAfter: money('10.00'),
      ...extra,
    });
  const entitled = (tenant: string, callId: string, to: string, country: string, zoneA: boolean) =>
    serviceEvent('CallEntitled', tenant, {
      callId,
      callType: 'conf_out',
      userId: 'alice',
      from: '+14255550100',
      to,
      destinationCountry: country,
      usageLocation: 'US',
      domestic: country === 'US',
      zoneA,
      emergency: false,
      startedAt: at,
      poolEligible: zoneA,
      creditsLicensed: true,
      capability: 'MCOMEETADD',
    });

  /** The article's scenarios as the services publish them: [topic, event][]. */
  function scenarios(tenant: string): [string, Record<string, unknown>][] {
    const started = (callId: string, o: Record<string, unknown>) =>
      callStarted({ tenantId: tenant, callId, occurredAt: at, ...o }) as unknown as Record<string, unknown>;
    const ended = (callId: string, s: number) => callEnded({ tenantId: tenant, callId, durationSeconds: s }) as unknown as Record<string, unknown>;
    const admitted = (callId: string, funding: string, decidedBy: string, extra: Record<string, unknown> = {}) =>
      serviceEvent('CallAdmitted', tenant, { callId, funding, maxDurationSeconds: 7200, decidedBy, ...extra });
    return [
      // Pool: a Zone A dial-out the pool covers, 10 minutes.
      [Topics.CallStarted, started('pool', { to: '+12065550100' })],
      [Topics.LicensingEvents, entitled(tenant, 'pool', '+12065550100', 'US', true)],
      [Topics.CallDecisions, admitted('pool', 'pool', 'pool-ledger')],
      [Topics.CallEnded, ended('pool', 600)],
      [
        Topics.PoolLedgerEvents,
        serviceEvent('PoolCallSettled', tenant, { callId: 'pool', month: '2026-11', durationSeconds: 600, minutes: 10, poolMinutes: 10, uncoveredMinutes: 0 }),
      ],
      // Continuation: 35 pool minutes, then 15 on credits at 0.0120 without fee.
      [Topics.CallStarted, started('cont', { to: '+12065550101' })],
      [Topics.LicensingEvents, entitled(tenant, 'cont', '+12065550101', 'US', true)],
      [Topics.CallDecisions, admitted('cont', 'pool', 'credit-wallet', { maxDurationSeconds: 3600, split: { poolSeconds: 2100, creditSeconds: 1500 } })],
      [Topics.CallEnded, ended('cont', 3000)],
      [
        Topics.PoolLedgerEvents,
        serviceEvent('PoolCallSettled', tenant, { callId: 'cont', month: '2026-11', durationSeconds: 3000, minutes: 50, poolMinutes: 35, uncoveredMinutes: 0 }),
      ],
      [
        Topics.CreditWalletEvents,
        charged(tenant, 'cont', 'pool-continuation', '0.18', rate('US', '0.0120', '0.0000'), { poolMinutes: 35, billedMinutes: '15' }),
      ],
      // Outside Zone A: Paris on credits, 7 minutes: 0.0349 × 7 + 0.0125 = 0.2568 → 0.26.
      [Topics.CallStarted, started('paris', { to: '+33142685300' })],
      [Topics.LicensingEvents, { ...entitled(tenant, 'paris', '+33142685300', 'FR', false), poolEligible: false }],
      [Topics.CallDecisions, admitted('paris', 'credits', 'credit-wallet')],
      [Topics.CallEnded, ended('paris', 421)],
      [Topics.CreditWalletEvents, charged(tenant, 'paris', 'call', '0.26', rate('FR', '0.0349', '0.0125'), { billedMinutes: '7', durationSeconds: 421 })],
      // Toll-free inbound to a US number, 3 minutes at 0.0200 + 0.0100.
      [Topics.CallStarted, started('tollfree', { callType: 'conf_in', from: '+442071838750', to: '+18005550100' })],
      [Topics.CallDecisions, admitted('tollfree', 'credits', 'credit-wallet')],
      [Topics.CallEnded, ended('tollfree', 150)],
      [
        Topics.CreditWalletEvents,
        charged(tenant, 'tollfree', 'call', '0.07', rate('US', '0.0200', '0.0100', 'toll-free-inbound'), { billedMinutes: '3', durationSeconds: 150 }),
      ],
      // Rejected: no calling plan; telephony still reports an end.
      [Topics.CallStarted, started('rejected', { callType: 'user_out', to: '+12065550102' })],
      [Topics.CallDecisions, serviceEvent('CallRejected', tenant, { callId: 'rejected', reason: 'NO_CALLING_PLAN', decidedBy: 'licensing' })],
      [Topics.CallEnded, ended('rejected', 95)],
    ];
  }

  /** Publishes in a random order, every event twice, and every call's end again under a new event id. */
  async function publishShuffled(events: [string, Record<string, unknown>][]): Promise<void> {
    const repeats: [string, Record<string, unknown>][] = events.filter(([t]) => t === Topics.CallEnded).map(([t, e]) => [t, { ...e, eventId: randomUUID() }]);
    const all = [...events, ...events, ...repeats].sort(() => Math.random() - 0.5);
    for (const [topic, event] of all) await kafka.publish(topic, [event]);
  }

  const expectedRows = (tenant: string) => ({
    pool: {
      callId: 'pool',
      userId: 'alice',
      callType: 'conf_out',
      fromCountry: 'US',
      toCountry: 'US',
      durationSeconds: 600,
      charge: '0.00',
      connectionFee: null,
      currency: null,
      capability: 'MCOMEETADD',
      funding: 'pool',
      poolMinutes: 10,
      decision: 'admitted',
      reason: null,
      rateCardVersion: null,
      startTime: at,
      endTime: '2026-11-24T10:10:00.000Z',
    },
    cont: {
      durationSeconds: 3000,
      charge: '0.18',
      connectionFee: null,
      currency: 'USD',
      capability: 'MCOPSTNPP',
      funding: 'pool',
      poolMinutes: 35,
      decision: 'admitted',
      rateCardVersion: '2026-11',
    },
    paris: {
      toCountry: 'FR',
      durationSeconds: 421,
      charge: '0.26',
      connectionFee: '0.0125',
      currency: 'USD',
      capability: 'MCOPSTNPP',
      funding: 'credits',
      poolMinutes: 0,
      rateCardVersion: '2026-11',
    },
    tollfree: {
      callType: 'conf_in',
      userId: 'alice',
      fromCountry: 'GB',
      toCountry: 'US',
      durationSeconds: 150,
      charge: '0.07',
      connectionFee: '0.01',
      capability: 'MCOPSTNPP',
      funding: 'credits',
      poolMinutes: 0,
    },
    rejected: {
      callType: 'user_out',
      durationSeconds: 0,
      charge: null,
      capability: null,
      funding: null,
      poolMinutes: 0,
      decision: 'rejected',
      reason: 'NO_CALLING_PLAN',
      tenant,
    },
  });

  it("the article's scenarios, events in any order and repeated: one row per call with exact charges, pool minutes, capability and decision", async () => {
    const tenant = uniqueTenant('scenarios');
    await publishShuffled(scenarios(tenant));
    const expected = expectedRows(tenant);
    await eventually(async () => {
      const page = await usage(tenant);
      expect(page.items.map((r) => r.callId).sort()).toEqual(['cont', 'paris', 'pool', 'rejected', 'tollfree']);
      for (const [callId, { tenant: _, ...fields }] of Object.entries(expected) as [string, Record<string, unknown>][]) {
        expect(page.items.find((r) => r.callId === callId)).toMatchObject(fields);
      }
    });
    expect((await rowOf(tenant, 'pool'))!.usageId).toMatch(/^[0-9a-f-]{36}$/);

    // Summary: the same rules as the pure grouping over the rows.
    const rows = (await usage(tenant)).items;
    const summary = await http<{ groups: unknown[]; totals: Record<string, unknown> }>(
      'GET',
      `${base}/tenants/${tenant}/usage/summary?from=2026-11-01&to=2026-12-01&groupBy=callType`,
    );
    expect(summary.status).toBe(200);
    expect(summary.body.groups).toEqual(
      summarize(
        rows.map((r) => ({ ...r, startTime: r.startTime! })),
        'callType',
      ),
    );
    expect(summary.body.totals).toEqual({
      calls: 5,
      rejectedCalls: 1,
      minutes: 10 + 50 + 8 + 3,
      poolMinutes: 45,
      charges: { amount: '0.51', currency: 'USD' },
    });
    for (const groupBy of ['day', 'country', 'user'] as const) {
      const body = (await http<{ groups: unknown[] }>('GET', `${base}/tenants/${tenant}/usage/summary?from=2026-11-01&to=2026-12-01&groupBy=${groupBy}`)).body;
      expect(body.groups).toEqual(
        summarize(
          rows.map((r) => ({ ...r, startTime: r.startTime! })),
          groupBy,
        ),
      );
    }

    // Filters.
    expect((await usage(tenant, '&funding=credits')).items.map((r) => r.callId).sort()).toEqual(['paris', 'tollfree']);
    expect((await usage(tenant, '&callType=conf_in')).items.map((r) => r.callId)).toEqual(['tollfree']);

    // CSV (both ways of asking) parsed back equals the JSON rows.
    for (const [query, headers] of [
      ['', { accept: 'text/csv' }],
      ['&format=csv', {}],
    ] as const) {
      const response = await fetch(`${base}/tenants/${tenant}/usage?from=2026-11-01&to=2026-12-01${query}`, {
        headers: { ...headers, authorization: `Bearer ${await operatorToken()}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toContain('attachment; filename="usage-');
      const text = await response.text();
      expect(text.split('\r\n')[0]).toBe(USAGE_COLUMNS.join(','));
      const parsed = parse(text, { columns: true }) as Record<string, string>[];
      expect(parsed).toEqual(rows.map((r) => Object.fromEntries(USAGE_COLUMNS.map((c) => [c, r[c] === null ? '' : String(r[c])]))));
    }

    // Rebuilt from the event store: the same rows.
    const ds = system.services['reporting']!.app.get(DataSource);
    await ds.query(`UPDATE rm_usage SET charge = 99, capability = 'BROKEN' WHERE tenant_id = $1`, [tenant]);
    await rebuildProjections(new Transactions(ds), new EventStore(reportingService.projections));
    expect((await usage(tenant)).items).toEqual(rows);
  });

  it("takes a call's destination from licensing's CallScreened when licensing screened it in its own hop", async () => {
    const tenant = uniqueTenant('screened');
    const events: [string, Record<string, unknown>][] = [
      [
        Topics.CallStarted,
        callStarted({ tenantId: tenant, callId: 'plan', callType: 'user_out', to: '+14255550123', occurredAt: at }) as unknown as Record<string, unknown>,
      ],
      [
        Topics.LicensingEvents,
        serviceEvent('CallScreened', tenant, {
          callId: 'plan',
          callType: 'user_out',
          userId: 'alice',
          policyName: 'DialoutCPCandPSTNInternational',
          policySource: 'global',
          control: 'PSTN',
          outcome: 'cleared',
          destinationCountry: 'US',
          domestic: true,
        }),
      ],
      // A version 1 decision: the plan is not named, so the domestic call tells it.
      [
        Topics.CallDecisions,
        serviceEvent('CallAdmitted', tenant, { callId: 'plan', funding: 'calling-plan', maxDurationSeconds: null, decidedBy: 'licensing' }),
      ],
      [Topics.CallEnded, callEnded({ tenantId: tenant, callId: 'plan', durationSeconds: 61 }) as unknown as Record<string, unknown>],
    ];
    await publishShuffled(events);
    await eventually(async () =>
      expect(await rowOf(tenant, 'plan')).toMatchObject({
        toCountry: 'US',
        capability: 'MCOPSTN1',
        funding: 'calling-plan',
        decision: 'admitted',
        durationSeconds: 61,
      }),
    );
  });

  it('pages by cursor: every row once, in start order, however small the page', async () => {
    const tenant = uniqueTenant('pages');
    const calls = Array.from({ length: 23 }, (_, i) =>
      callStarted({
        tenantId: tenant,
        callId: `c-${String(i).padStart(2, '0')}`,
        occurredAt: new Date(Date.parse('2026-11-02T00:00:00Z') + (i % 7) * 60_000).toISOString(),
      }),
    );
    await kafka.publish(Topics.CallStarted, calls);
    await eventually(async () => expect((await usage(tenant, '&limit=1000')).items).toHaveLength(23));
    const seen: UsageRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await usage(tenant, `&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen.map((r) => r.callId)).toEqual((await usage(tenant, '&limit=1000')).items.map((r) => r.callId));
    expect(new Set(seen.map((r) => r.callId)).size).toBe(23);
    const sorted = [...seen].sort((a, b) => (a.startTime! < b.startTime! ? -1 : a.startTime! > b.startTime! ? 1 : a.callId < b.callId ? -1 : 1));
    expect(seen).toEqual(sorted);
  });

  it('bad queries are 400 problem+json naming the fault; more than 12 months is refused', async () => {
    const tenant = uniqueTenant('bad');
    const tooLong = await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage?from=2025-01-01&to=2026-01-02`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.contentType).toMatch(/application\/problem\+json/);
    expect(tooLong.body).toMatchObject({ code: 'REPORTING.RANGE_TOO_LONG', latestTo: '2026-01-01T00:00:00.000Z' });
    expect((await http('GET', `${base}/tenants/${tenant}/usage?from=2025-01-01&to=2026-01-02&format=csv`)).status).toBe(400);
    expect((await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage?callType=video`)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage?limit=5000`)).status).toBe(400);
    expect((await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage?cursor=bm9wZQ`)).body).toMatchObject({
      code: 'REPORTING.INVALID_CURSOR',
    });
    expect((await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage/summary?groupBy=planet`)).status).toBe(400);
    expect((await http<Record<string, unknown>>('GET', `${base}/tenants/${tenant}/usage/summary`)).status).toBe(400);
  });

  it("tenant scoping: a tenant's token reads its own usage only; readers cannot change webhooks", async () => {
    const a = uniqueTenant('scope-a');
    const b = uniqueTenant('scope-b');
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: a, callId: 'mine', occurredAt: at })]);
    await eventually(async () => expect((await usage(a)).items).toHaveLength(1));
    const readerA = await asRole({ roles: ['tenant-reader'], tenant: a });
    expect((await http<Page>('GET', `${base}/tenants/${a}/usage?from=2026-11-01&to=2026-12-01`, undefined, readerA)).body.items).toHaveLength(1);
    for (const path of ['usage', 'usage?format=csv', 'usage/summary?groupBy=day', 'webhooks']) {
      expect([path, (await http('GET', `${base}/tenants/${a}/${path}`, undefined, await asRole({ roles: ['tenant-admin'], tenant: b }))).status]).toEqual([
        path,
        403,
      ]);
    }
    expect((await http('GET', `${base}/tenants/${a}/usage`, undefined, ANONYMOUS)).status).toBe(401);
    const body = { url: 'http://127.0.0.1:9/x', events: ['wallet.recharge_failed'], enabled: true };
    expect((await http('PUT', `${base}/tenants/${a}/webhooks/w1`, body, readerA)).status).toBe(403);
    expect((await http('PUT', `${base}/tenants/${a}/webhooks/w1`, body, await asRole({ roles: ['tenant-admin'], tenant: b }))).status).toBe(403);
    expect((await http('PUT', `${base}/tenants/${a}/webhooks/w1`, body, await asRole({ roles: ['tenant-admin'], tenant: a }))).status).toBe(201);
  });

  describe('webhooks', () => {
    const put = (tenant: string, id: string, url: string, events = ['pool.threshold_reached'], enabled = true) =>
      http<Record<string, unknown>>('PUT', `${base}/tenants/${tenant}/webhooks/${id}`, { url, events, enabled });
    const threshold = (tenant: string) =>
      serviceEvent('PoolUsageThresholdReached', tenant, { month: '2026-11', thresholdPercent: 80, usedMinutes: 480, capacityMinutes: 600 });
    const deliveries = async (tenant: string, id: string) =>
      (
        await http<{
          items: { deliveryId: string; status: string; attempts: number; lastStatusCode: number | null; attemptLog: { statusCode: number | null }[] }[];
        }>('GET', `${base}/tenants/${tenant}/webhooks/${id}/deliveries`)
      ).body.items;

    it('signed as Standard Webhooks (verified with the same library); the secret is shown once; a receiver failing 3 times gets it on the 4th attempt; resend delivers it again', async () => {
      const tenant = uniqueTenant('hooks');
      const r = await receiver((n, _req, res) => res.writeHead(n <= 3 ? 500 : 204).end());
      const created = await put(tenant, 'ops', r.url);
      expect(created.status).toBe(201);
      const secret = created.body['secret'] as string;
      expect(secret).toMatch(/^whsec_/);
      const again = await put(tenant, 'ops', r.url);
      expect(again.status).toBe(200);
      expect(again.body['secret']).toBeUndefined();
      expect((await http<unknown[]>('GET', `${base}/tenants/${tenant}/webhooks`)).body).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
      const bad = await put(tenant, 'x', 'ftp://example.com/');
      expect(bad.status).toBe(400);
      expect(bad.body['code']).toBe('WEBHOOK.URL_NOT_ALLOWED');

      const event = threshold(tenant);
      await kafka.publish(Topics.PoolLedgerEvents, [event, event]);
      await eventually(() => expect(r.requests).toHaveLength(4));
      const [delivery] = await eventually(async () => {
        const list = await deliveries(tenant, 'ops');
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ status: 'succeeded', attempts: 4, lastStatusCode: 204 });
        return list;
      });
      expect(delivery!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 204]);
      const last = r.requests[3]!;
      const verified = new Webhook(secret).verify(last.body, last.headers) as Record<string, unknown>;
      expect(verified).toMatchObject({
        type: 'pool.threshold_reached',
        data: { tenantId: tenant, source: 'pool-ledger', month: '2026-11', thresholdPercent: 80 },
      });
      expect(last.headers['webhook-id']).toBe(`msg_${event['eventId']}`);
      expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(1);
      expect(() => new Webhook(`whsec_${Buffer.from('another secret of 32 bytes.......').toString('base64')}`).verify(last.body, last.headers)).toThrow();

      const resent = await http<Record<string, unknown>>('POST', `${base}/tenants/${tenant}/webhooks/ops/deliveries/${delivery!.deliveryId}/resend`);
      expect(resent.status).toBe(202);
      await eventually(() => expect(r.requests).toHaveLength(5));
      expect(r.requests[4]!.headers['webhook-id']).toBe(last.headers['webhook-id']);
      expect(new Webhook(secret).verify(r.requests[4]!.body, r.requests[4]!.headers)).toBeTruthy();
      expect((await http('POST', `${base}/tenants/${tenant}/webhooks/ops/deliveries/${randomUUID()}/resend`)).status).toBe(404);

      // Disabled or unsubscribed endpoints get nothing; deleting cancels and 404s after.
      await put(tenant, 'ops', r.url, ['wallet.recharge_failed']);
      await kafka.publish(Topics.PoolLedgerEvents, [threshold(tenant)]);
      expect((await http('DELETE', `${base}/tenants/${tenant}/webhooks/ops`)).status).toBe(204);
      expect((await http('DELETE', `${base}/tenants/${tenant}/webhooks/ops`)).status).toBe(404);
      expect(r.requests).toHaveLength(5);
    });

    it("a hanging receiver does not delay another tenant's deliveries; every alert type arrives", async () => {
      const slow = uniqueTenant('hanging');
      const fast = uniqueTenant('fast');
      const hanging = await receiver(() => undefined); // never answers
      const ok = await receiver((_n, _req, res) => res.writeHead(200).end('ok'));
      expect((await put(slow, 'h', hanging.url)).status).toBe(201);
      const all = [
        'pool.threshold_reached',
        'wallet.recharge_succeeded',
        'wallet.recharge_failed',
        'wallet.balance_depleted',
        'toll_free.suspended',
        'toll_free.resumed',
        'call.settlement_missing',
      ];
      expect((await put(fast, 'f', ok.url, all)).status).toBe(201);

      // The slow tenant's backlog first, on every partition.
      await kafka.publish(
        Topics.PoolLedgerEvents,
        Array.from({ length: 20 }, () => threshold(slow)),
      );
      await eventually(() => expect(hanging.requests.length).toBeGreaterThanOrEqual(2));
      const published = Date.now();
      await kafka.publish(Topics.PoolLedgerEvents, [
        threshold(fast),
        serviceEvent('PoolSettlementMissing', fast, { callId: 'c1', month: '2026-11', reservedMinutes: 10, dueBy: at }),
      ]);
      await kafka.publish(Topics.CreditWalletEvents, [
        serviceEvent('AutoRechargeSucceeded', fast, { rechargeId: 'r1', amount: money('25.00'), paymentId: 'p1', lotId: 'l1' }),
        serviceEvent('AutoRechargeFailed', fast, {
          rechargeId: 'r2',
          amount: money('25.00'),
          outcome: 'declined',
          code: 'card_declined',
          message: 'declined',
          consecutiveFailures: 1,
          backoffMs: 60000,
          retryAt: at,
        }),
        serviceEvent('BalanceReachedZero', fast, { cause: 'CallCharged', callId: 'c2' }),
        serviceEvent('CallSettlementMissing', fast, { callId: 'c3', grantedSeconds: 600, heldAmount: money('1.00'), dueBy: at }),
        serviceEvent('FundsAdded', fast, { lotId: 'l2' }),
      ]);
      await kafka.publish(Topics.TollFreeEvents, [
        serviceEvent('TollFreeNumbersSuspended', fast, { numbers: ['+18005550100'], balance: money('0.00') }),
        serviceEvent('TollFreeNumbersResumed', fast, { numbers: ['+18005550100'], balance: money('5.00') }),
      ]);
      await eventually(() => expect(ok.requests).toHaveLength(8), { timeoutMs: 8_000 });
      const elapsed = Date.now() - published;
      // The hanging receiver's attempts (10 s timeout, 2 in flight) have not even timed out yet.
      expect(elapsed).toBeLessThan(8_000);
      expect(hanging.requests).toHaveLength(2);
      const types = ok.requests.map((q) => (JSON.parse(q.body) as { type: string }).type).sort();
      expect(types).toEqual([...all, 'call.settlement_missing'].sort());
      process.stdout.write(`webhooks: another tenant's 8 deliveries took ${elapsed} ms while a hanging receiver held 2 attempts\n`);
    });
  });

  it('a 100,000-row CSV export streams with bounded memory', async () => {
    const tenant = uniqueTenant('big');
    const ds = system.services['reporting']!.app.get(DataSource);
    await ds.query(
      `INSERT INTO rm_usage (tenant_id, call_id, usage_id, facts, user_id, call_type, from_number, to_number, from_country, to_country, start_time, end_time,
                             duration_seconds, charge, connection_fee, currency, capability, funding, pool_minutes, decision, rate_card_version)
       SELECT $1, 'call-' || i, gen_random_uuid(), '{}', 'user-' || (i % 50), 'conf_out', '+14255550100', '+33142685300', 'US', 'FR',
              timestamptz '2026-01-01' + i * interval '4 minutes', timestamptz '2026-01-01' + i * interval '4 minutes' + interval '421 seconds',
              421, 0.26, 0.0125, 'USD', 'MCOPSTNPP', 'credits', 0, 'admitted', '2026-11'
         FROM generate_series(1, 100000) AS i`,
      [tenant],
    );
    // Live memory, not garbage: collect, then measure, every 500 ms while the export runs.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    let samples = 0;
    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
      samples += 1;
    }, 500);
    const started = Date.now();
    const response = await fetch(`${base}/tenants/${tenant}/usage?from=2026-01-01&to=2027-01-01`, {
      headers: { accept: 'text/csv', authorization: `Bearer ${await operatorToken()}` },
    });
    let bytes = 0;
    let newlines = 0;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) newlines += 1;
    }
    clearInterval(sampler);
    const heapGrowthMb = (peakHeap - before.heapUsed) / 2 ** 20;
    process.stdout.write(
      `csv export: 100,000 rows, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${Date.now() - started} ms; peak live heap +${heapGrowthMb.toFixed(1)} MiB (${samples} samples after GC), peak rss +${((peakRss - before.rss) / 2 ** 20).toFixed(1)} MiB\n`,
    );
    expect(response.status).toBe(200);
    expect(newlines).toBe(100_001);
    // Buffering the export would keep its ~20 MiB of text plus 100,000 row objects alive (well over 100 MiB).
    expect(heapGrowthMb).toBeLessThan(32);
  });
});
