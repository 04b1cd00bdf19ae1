import { Topics } from '@comms-credits/contracts';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, uniqueTenant } from '@comms-credits/testing';
import { TollFreeNumberView } from './application/toll-free.queries';
import { acquire, givenAccount, quotaOnceItShows, walletBalanceChanged } from './test-support/toll-free.fixtures';
import { tollFreeService } from './toll-free.service';

describe('toll-free numbers', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let events: Collector;
  let url: string;

  beforeAll(async () => {
    system = await startTestSystem([tollFreeService]);
    kafka = new TestKafka(undefined, system.prefix);
    url = system.url('toll-free');
    events = await kafka.collect(Topics.TollFreeEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const numbersOf = async (tenant: string) => (await http<TollFreeNumberView[]>('GET', `${url}/tenants/${tenant}/toll-free-numbers`)).body;
  const eventOf = async (type: string, tenant: string) => (await events.waitFor((m) => m.json?.['type'] === type && m.json?.['tenantId'] === tenant))[0]!;

  describe('the article: billed credits with a positive balance', () => {
    it('refuses an acquisition with a $0.00 balance, and acquires with $20.00', async () => {
      const tenant = uniqueTenant('contoso');
      await givenAccount(kafka, url, tenant, { seats: { OFFICE_365_E5: 10 }, balance: '0.00' });
      const refused = await acquire(url, tenant, 'US');
      expect(refused).toMatchObject({ status: 409, body: { code: 'TOLL_FREE_REQUIRES_CREDITS', billingSetUp: true } });
      expect(refused.contentType).toContain('application/problem+json');

      await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenant, '20.00')]);
      await quotaOnceItShows(url, tenant, { balancePositive: true });
      const acquired = await acquire(url, tenant, 'US');
      expect(acquired).toMatchObject({ status: 201, body: { country: 'US', status: 'active', assignment: null, minutes: 0 } });
      expect((await eventOf('TollFreeNumberAcquired', tenant)).json).toMatchObject({ version: 1, number: acquired.body['number'], country: 'US' });
    });

    it('refuses a tenant that never funded the wallet', async () => {
      const tenant = uniqueTenant('unfunded');
      await givenAccount(kafka, url, tenant, { seats: { PHONE_SYSTEM: 10 } });
      expect(await acquire(url, tenant, 'US')).toMatchObject({ status: 409, body: { code: 'TOLL_FREE_REQUIRES_CREDITS', billingSetUp: false } });
    });
  });

  describe('quota', () => {
    it('allows 5 numbers with 25 licences and 10 with 26', async () => {
      const tenant = uniqueTenant('quota');
      await givenAccount(kafka, url, tenant, { seats: { OFFICE_365_E5: 20, AUDIO_CONFERENCING: 5 }, balance: '20.00' });
      for (let i = 0; i < 5; i++) expect((await acquire(url, tenant, 'US')).status).toBe(201);
      expect(await acquire(url, tenant, 'US')).toMatchObject({
        status: 409,
        body: { code: 'TOLL_FREE_QUOTA_REACHED', quota: 5, licences: 25, held: 5 },
      });

      await givenAccount(kafka, url, tenant, { seats: { AUDIO_CONFERENCING: 6 } });
      for (let i = 0; i < 5; i++) expect((await acquire(url, tenant, 'US')).status).toBe(201);
      expect(await acquire(url, tenant, 'US')).toMatchObject({ status: 409, body: { code: 'TOLL_FREE_QUOTA_REACHED', quota: 10, licences: 26 } });
      expect(await quotaOnceItShows(url, tenant, {})).toEqual({
        seats: { OFFICE_365_E5: 20, AUDIO_CONFERENCING: 6 },
        licences: 26,
        quota: 10,
        numbersHeld: 10,
        numbersAvailable: 0,
        billingSetUp: true,
        balancePositive: true,
        suspended: false,
      });
    });

    it('gives a tenant without licences no number', async () => {
      const tenant = uniqueTenant('nolicences');
      await givenAccount(kafka, url, tenant, { seats: {}, balance: '20.00' });
      expect(await acquire(url, tenant, 'US')).toMatchObject({ status: 409, body: { code: 'TOLL_FREE_QUOTA_REACHED', quota: 0 } });
    });

    it('never exceeds the quota nor gives one number to two tenants when acquisitions race', async () => {
      const [first, second] = [uniqueTenant('race-a'), uniqueTenant('race-b')];
      await Promise.all([first, second].map((t) => givenAccount(kafka, url, t, { seats: { PHONE_SYSTEM: 1 }, balance: '20.00' })));
      // DE stocks 10 numbers: two tenants with a quota of 5 each can take them all, and no more.
      const answers = await Promise.all([first, second].flatMap((t) => Array.from({ length: 12 }, () => acquire(url, t, 'DE'))));
      const won = answers.filter((a) => a.status === 201).map((a) => a.body['number']);
      expect(won).toHaveLength(10);
      expect(new Set(won).size).toBe(10);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body['code'])).toEqual(Array(14).fill('TOLL_FREE_QUOTA_REACHED'));
      for (const tenant of [first, second]) expect(await numbersOf(tenant)).toHaveLength(5);
    });
  });

  describe('Idempotency-Key (design.md "Money additions")', () => {
    it('returns the same number for a repeat, racing or not, and acquires nothing more', async () => {
      const tenant = uniqueTenant('idem');
      await givenAccount(kafka, url, tenant, { seats: { PHONE_SYSTEM: 1 }, balance: '20.00' });
      const post = (key: string, country = 'US') => http('POST', `${url}/tenants/${tenant}/toll-free-numbers`, { country }, { 'Idempotency-Key': key });
      const first = await post('acq-1');
      expect(first).toMatchObject({ status: 201, body: { country: 'US', status: 'active' } });
      const repeats = await Promise.all([post('acq-1'), post('acq-1'), post('acq-1')]);
      for (const repeat of repeats) expect(repeat).toMatchObject({ status: 201, body: { number: first.body['number'] } });
      // Racing first requests with one new key: one acquisition between them.
      const raced = await Promise.all(Array.from({ length: 4 }, () => post('acq-2')));
      expect(new Set(raced.map((r) => r.body['number'])).size).toBe(1);
      expect(raced.every((r) => r.status === 201)).toBe(true);
      expect((await numbersOf(tenant)).map((n) => n.number).sort()).toEqual([first.body['number'], raced[0]!.body['number']].sort());

      expect(await post('acq-1', 'GB')).toMatchObject({ status: 422, body: { code: 'TOLL_FREE_IDEMPOTENCY_KEY_REUSED', country: 'US' } });
      expect(await post('bad key with spaces')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      // Without a key every request acquires (the quota still holds).
      expect((await acquire(url, tenant, 'US')).status).toBe(201);
      expect(await numbersOf(tenant)).toHaveLength(3);
    });
  });

  describe('inventory', () => {
    it('refuses an unknown or unsupported country, and a malformed tenant, as bad input', async () => {
      const tenant = uniqueTenant('badcountry');
      for (const country of ['XX', 'us', 'JP', undefined]) {
        const refused = await http('POST', `${url}/tenants/${tenant}/toll-free-numbers`, { country });
        expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', invalidParams: [expect.objectContaining({ name: 'country' })] } });
      }
      expect(await http('POST', `${url}/tenants/not%20a%20tenant/toll-free-numbers`, { country: 'US' })).toMatchObject({
        status: 400,
        body: { invalidParams: [expect.objectContaining({ name: 'tenantId' })] },
      });
    });

    it('refuses when no number is left in the country', async () => {
      const tenant = uniqueTenant('ireland');
      await givenAccount(kafka, url, tenant, { seats: { PHONE_SYSTEM: 26 }, balance: '20.00' });
      // IE stocks 6 numbers.
      for (let i = 0; i < 6; i++) expect((await acquire(url, tenant, 'IE')).status).toBe(201);
      expect(await acquire(url, tenant, 'IE')).toMatchObject({ status: 409, body: { code: 'TOLL_FREE_NONE_AVAILABLE', country: 'IE' } });
    });

    it('assigns a number, lists it, and releases it back to the inventory', async () => {
      const [owner, other] = [uniqueTenant('owner'), uniqueTenant('other')];
      for (const t of [owner, other]) await givenAccount(kafka, url, t, { seats: { PHONE_SYSTEM: 1 }, balance: '20.00' });
      const number = (await acquire(url, owner, 'GB')).body['number'] as string;
      const path = (tenant: string) => `${url}/tenants/${tenant}/toll-free-numbers/${encodeURIComponent(number)}`;
      expect(path(owner)).toContain('%2B44');

      const assigned = await http('PUT', `${path(owner)}/assignment`, { target: 'call_queue', targetId: 'support' });
      expect(assigned).toMatchObject({ status: 200, body: { number, assignment: { target: 'call_queue', targetId: 'support' } } });
      expect((await eventOf('TollFreeNumberAssigned', owner)).json).toMatchObject({ number, country: 'GB', target: 'call_queue', targetId: 'support' });
      expect(await numbersOf(owner)).toEqual([
        {
          number,
          country: 'GB',
          status: 'active',
          assignment: { target: 'call_queue', targetId: 'support' },
          acquiredAt: expect.any(String),
          month: expect.any(String),
          minutes: 0,
        },
      ]);
      expect(await http('GET', `${url}/tenants/${owner}/toll-free-numbers/${number}`)).toMatchObject({ status: 200, body: { number } });
      expect(await http('PUT', `${path(owner)}/assignment`, { target: 'voicemail', targetId: 'x' })).toMatchObject({ status: 400 });
      expect(await http('PUT', `${url}/tenants/${owner}/toll-free-numbers/18005550100/assignment`, { target: 'call_queue', targetId: 'x' })).toMatchObject({
        status: 400,
        body: { invalidParams: [expect.objectContaining({ name: 'number' })] },
      });

      const notYours = { status: 404, body: { code: 'TOLL_FREE_NUMBER_NOT_FOUND' } };
      expect(await http('PUT', `${path(other)}/assignment`, { target: 'auto_attendant', targetId: 'main' })).toMatchObject(notYours);
      expect(await http('DELETE', path(other))).toMatchObject(notYours);
      expect(await http('GET', path(other))).toMatchObject(notYours);

      expect((await http('DELETE', path(owner))).status).toBe(204);
      expect((await eventOf('TollFreeNumberReleased', owner)).json).toMatchObject({ number, country: 'GB' });
      expect(await numbersOf(owner)).toEqual([]);
      expect(await http('DELETE', path(owner))).toMatchObject(notYours);
      // The lowest free GB number is the one just released.
      expect(await acquire(url, other, 'GB')).toMatchObject({ status: 201, body: { number, assignment: null } });
    });
  });

  describe('suspension', () => {
    it('suspends the numbers when the wallet reaches zero and resumes them when it is refilled', async () => {
      const tenant = uniqueTenant('suspend');
      await givenAccount(kafka, url, tenant, { seats: { PHONE_SYSTEM: 1 }, balance: '20.00' });
      const numbers = [(await acquire(url, tenant, 'FR')).body['number'], (await acquire(url, tenant, 'NL')).body['number']].sort();

      await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenant, '0.00')]);
      expect((await eventOf('TollFreeNumbersSuspended', tenant)).json).toMatchObject({ numbers, balance: { amount: '0.00', currency: 'USD' } });
      await quotaOnceItShows(url, tenant, { suspended: true, balancePositive: false });
      expect((await numbersOf(tenant)).map((n) => n.status)).toEqual(['suspended', 'suspended']);

      await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenant, '50.00')]);
      expect((await eventOf('TollFreeNumbersResumed', tenant)).json).toMatchObject({ numbers, balance: { amount: '50.00' } });
      await quotaOnceItShows(url, tenant, { suspended: false, balancePositive: true });
      expect((await numbersOf(tenant)).map((n) => n.status)).toEqual(['active', 'active']);
      expect(events.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'TollFreeNumbersSuspended')).toHaveLength(1);
    });
  });
});
