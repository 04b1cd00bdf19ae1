import { Topics } from '@comms-credits/contracts';
import { EventStore, Transactions, rebuildProjections } from '@comms-credits/event-store';
import { ANONYMOUS, TestSystem, asRole, http, startTestSystem } from '@comms-credits/service-testing';
import { TestKafka, callStarted, eventually, serviceEvent, uniqueTenant } from '@comms-credits/testing';
import { DataSource } from 'typeorm';
import { TenantEntry } from './domain/tenant-directory';
import { reportingService } from './reporting.service';

type Directory = { items: TenantEntry[]; nextCursor: string | null; month: string; day: string };

describe('reporting: the operators\u2019 tenant directory (GET /tenants)', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let base: string;

  beforeAll(async () => {
    system = await startTestSystem([reportingService]);
    kafka = new TestKafka(undefined, system.prefix);
    base = system.url('reporting');
  }, 300_000);
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const directory = async (query = 'limit=200') => {
    const { status, body } = await http<Directory>('GET', `${base}/tenants?${query}`);
    expect(status).toBe(200);
    return body;
  };
  const entry = async (tenant: string) => (await directory(`limit=200&search=${tenant}`)).items.find((t) => t.tenantId === tenant);
  const money = (amount: string) => ({ amount, currency: 'USD' });

  it('lists every tenant seen on any topic, with pool used %, balance, owed, open alerts and calls today', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
    const seatsOnly = uniqueTenant('seats');
    const tollFreeOnly = uniqueTenant('tollfree');
    const busy = uniqueTenant('busy');
    const quiet = uniqueTenant('quiet');
    await kafka.publish(Topics.LicensingEvents, [serviceEvent('SubscriptionSeatsChanged', seatsOnly, { sku: 'OFFICE_365_E5', seats: 3 })]);
    await kafka.publish(Topics.TollFreeEvents, [serviceEvent('TollFreeNumberAcquired', tollFreeOnly, { number: '+18005550100', country: 'US' })]);
    const pool = (tenant: string, type: string, m: string, fields: Record<string, unknown>) =>
      serviceEvent(type, tenant, { month: m, callId: `c-${type}`, minutes: 10, ...fields });
    await kafka.publish(Topics.PoolLedgerEvents, [
      pool(busy, 'PoolMinutesReserved', month, { reservedMinutes: 10, usedMinutes: 480, capacityMinutes: 600 }),
      pool(busy, 'PoolMinutesDebited', month, { poolMinutes: 10, uncoveredMinutes: 0, usedMinutes: 490, reservedMinutes: 0, capacityMinutes: 600 }),
      // Last month's pool: its capacity stands for this month until the pool states another; nothing used yet.
      pool(quiet, 'PoolMinutesDebited', lastMonth, { poolMinutes: 10, uncoveredMinutes: 0, usedMinutes: 300, reservedMinutes: 0, capacityMinutes: 1200 }),
    ]);
    await kafka.publish(Topics.CreditWalletEvents, [
      serviceEvent('WalletBalanceChanged', busy, { balance: money('0.00'), available: money('0.00'), billingSetUp: true, cause: 'CallCharged' }),
      serviceEvent('CallCharged', busy, {
        callId: 'c1',
        kind: 'call',
        durationSeconds: 60,
        billedMinutes: '1',
        rate: { kind: 'dial-out', country: 'FR', perMinute: '0.0349', connectionFee: '0.0125', currency: 'USD', rateCardVersion: '2026-11' },
        cost: money('1.25'),
        amount: money('0.00'),
        owedAfter: money('1.25'),
      }),
      serviceEvent('AutoRechargeFailed', busy, {
        rechargeId: 'r1',
        amount: money('25.00'),
        outcome: 'declined',
        code: 'card_declined',
        message: 'declined',
        consecutiveFailures: 2,
        retryAt: '2030-01-01T00:00:00.000Z',
      }),
      serviceEvent('WalletBalanceChanged', quiet, { balance: money('12.50'), available: money('12.50'), billingSetUp: true, cause: 'FundsAdded' }),
    ]);
    await kafka.publish(Topics.TollFreeEvents, [serviceEvent('TollFreeNumbersSuspended', busy, { numbers: ['+18005550199'], balance: money('0.00') })]);
    await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: busy, callId: 'today-1' }), callStarted({ tenantId: busy, callId: 'today-2' })]);

    // The facts come on six topics, consumed in no particular order across topics: wait until
    // the directory shows all of them, then it must be exactly this.
    await eventually(
      async () => {
        const b = await entry(busy);
        expect(b).toBeDefined();
        expect(b).toMatchObject({
          pool: { month, capacityMinutes: 600, usedMinutes: 490, reservedMinutes: 0, usedPercent: '81.6' },
          balance: money('0.00'),
          owed: money('1.25'),
          billingSetUp: true,
          callsToday: 2,
        });
        expect(b!.alerts.map((a) => a.code).sort()).toEqual(['BALANCE_ZERO', 'OWED', 'POOL_80', 'RECHARGE_FAILED', 'TOLL_FREE_SUSPENDED']);
        expect(await entry(quiet)).toMatchObject({
          pool: { month, capacityMinutes: 1200, usedMinutes: 0, usedPercent: '0' },
          balance: money('12.50'),
          owed: money('0.00'),
          alerts: [],
          callsToday: 0,
        });
        expect(await entry(seatsOnly)).toMatchObject({
          tenantId: seatsOnly,
          pool: { capacityMinutes: null, usedPercent: null },
          balance: null,
          owed: null,
          alerts: [],
          callsToday: 0,
        });
        expect((await entry(tollFreeOnly))?.tenantId).toBe(tollFreeOnly);
      },
      { timeoutMs: 60_000 },
    );

    // Search is by part of the id, case-insensitive; pages follow the cursor, each tenant once.
    expect((await directory(`search=${busy.slice(0, 9).toUpperCase()}`)).items.map((t) => t.tenantId)).toContain(busy);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Directory = await directory(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((t) => t.tenantId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([seatsOnly, tollFreeOnly, busy, quiet]));
    expect((await http('GET', `${base}/tenants?cursor=!!`)).status).toBe(400);

    // Rebuilt from the store: the same directory.
    const before = await directory();
    const ds = system.services['reporting']!.app.get(DataSource);
    await ds.query(`UPDATE rm_tenant_directory SET state = '{}'::jsonb`);
    await rebuildProjections(new Transactions(ds), new EventStore(reportingService.projections));
    expect(await directory()).toEqual(before);
  }, 180_000);

  it('is for operators only', async () => {
    const tenant = uniqueTenant();
    for (const role of ['tenant-admin', 'tenant-reader'] as const) {
      const { status } = await http('GET', `${base}/tenants`, undefined, await asRole({ roles: [role], tenant }));
      expect(status).toBe(403);
    }
    expect((await http('GET', `${base}/tenants`, undefined, ANONYMOUS)).status).toBe(401);
  });
});
