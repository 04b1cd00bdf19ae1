import { Topics } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { ANONYMOUS, TestSystem, asRole, http, startTestSystem, withDefaultToken } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { creditWalletService } from './credit-wallet.service';
import { callHandedToWallet, poolOverflow, tollFreeCallRouted, walletApi } from './test-support/funding-events.fixtures';

interface Rate {
  country: string;
  perMinute: string;
  connectionFee: string;
}
interface Card {
  version: string;
  currency: string;
  effectiveFrom: string;
  increment: { first: number; next: number };
  dialOut: Rate[];
  tollFreeInbound: Rate[];
}

const usd = (amount: string) => ({ amount, currency: 'USD' });
const at = (base: string, offsetMs: number) => new Date(Date.parse(base) + offsetMs).toISOString();

describe('rate cards: every region priced, versions priced by the call’s start', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let walletEvents: Collector;
  let url: string;
  let api: ReturnType<typeof walletApi>;
  let bundled: Card;

  beforeAll(async () => {
    system = await startTestSystem([creditWalletService], { WALLET_MAX_HOLD_MINUTES: 10, WALLET_WORKER_POLL_MS: 50 });
    kafka = new TestKafka(undefined, system.prefix);
    url = system.url('credit-wallet');
    api = walletApi(url);
    decisions = await kafka.collect(Topics.CallDecisions);
    walletEvents = await kafka.collect(Topics.CreditWalletEvents);
    bundled = (await http<Card>('GET', `${url}/rates`)).body;
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const decisionOf = async (tenant: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId))[0]!.json!;
  const chargeOf = async (tenant: string, callId: string) =>
    (await walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'CallCharged' && m.json?.['callId'] === callId))[0]!.json!;
  const put = (version: string, card: unknown, headers: Record<string, string> = {}) => http('PUT', `${url}/rates/${version}`, card, headers);
  /** The bundled card with other French figures, as another version. */
  const nextCard = (version: string, effectiveFrom: string, frPerMinute = '0.0500'): Card => ({
    ...bundled,
    version,
    effectiveFrom,
    dialOut: bundled.dialOut.map((r) => (r.country === 'FR' ? { ...r, perMinute: frPerMinute } : r)),
  });

  it('starts with the bundled card as the first version, pricing every region', async () => {
    expect(bundled).toMatchObject({ version: '2026-11', currency: 'USD', effectiveFrom: '2026-11-01T00:00:00.000Z' });
    expect(bundled.dialOut.length).toBeGreaterThanOrEqual(240);
    expect(bundled.dialOut.map((r) => r.country)).toEqual(expect.arrayContaining(['AF', 'XK', 'FJ', 'US', 'FR']));
    const versions = await http<unknown[]>('GET', `${url}/rates/versions`);
    expect(versions.body).toEqual([
      { version: '2026-11', effectiveFrom: '2026-11-01T00:00:00.000Z', publishedAt: expect.stringMatching(/Z$/), publishedBy: 'start-up (bundled card)' },
    ]);
    const { body } = await http<{ paths: Record<string, unknown> }>('GET', `${url}/docs-json`);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/rates', '/rates/versions', '/rates/{version}']));
  });

  it('admits on credits a call to a country the first hand-written card did not price (Afghanistan)', async () => {
    const tenant = uniqueTenant('kabul');
    await api.fund(tenant, '20.00', 'fund-1');
    await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'af-1', { to: '+93701234567', destinationCountry: 'AF', zoneA: false })]);
    expect(await decisionOf(tenant, 'af-1')).toMatchObject({ type: 'CallAdmitted', funding: 'credits' });
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'af-1', durationSeconds: 61 })]);
    const af = bundled.dialOut.find((r) => r.country === 'AF')!;
    expect(await chargeOf(tenant, 'af-1')).toMatchObject({
      billedMinutes: '2',
      rate: { kind: 'dial-out', country: 'AF', perMinute: af.perMinute, rateCardVersion: '2026-11' },
    });
  });

  describe('a version published for a moment in the future', () => {
    // Far enough ahead for the book cache's lead (30 s by default); the calls carry their start,
    // so nothing waits for it: one starts just before, one at, one after.
    const effectiveFrom = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000).toISOString();
    const tenant = uniqueTenant('versions');

    it('is published by an operator, with who and when, and listed; the card in force now is still the first', async () => {
      const published = await put('2027-01', nextCard('2027-01', effectiveFrom));
      expect(published).toMatchObject({ status: 201, body: { version: '2027-01', effectiveFrom, publishedBy: 'test-operator' } });
      expect(Date.parse((published.body as { publishedAt: string }).publishedAt)).toBeLessThanOrEqual(Date.now());

      expect((await http<Card>('GET', `${url}/rates`)).body.version).toBe('2026-11');
      expect((await http<Card>('GET', `${url}/rates?at=${at(effectiveFrom, -1)}`)).body.version).toBe('2026-11');
      const then = await http<Card>('GET', `${url}/rates?at=${effectiveFrom}`);
      expect(then.body).toEqual(nextCard('2027-01', effectiveFrom));
      const versions = await http<{ version: string; publishedBy: string }[]>('GET', `${url}/rates/versions`);
      expect(versions.body.map((v) => [v.version, v.publishedBy])).toEqual([
        ['2026-11', 'start-up (bundled card)'],
        ['2027-01', 'test-operator'],
      ]);
    });

    it('prices a call by the version in force when it started, not when it is decided or ends', async () => {
      await api.fund(tenant, '20.00', 'fund-1');
      await kafka.publish(Topics.PoolLedgerEvents, [
        callHandedToWallet(tenant, 'before', { startedAt: at(effectiveFrom, -1_000) }),
        callHandedToWallet(tenant, 'exactly', { startedAt: effectiveFrom }),
      ]);
      await kafka.publish(Topics.TollFreeEvents, [{ ...tollFreeCallRouted(tenant, 'inbound-after'), startedAt: at(effectiveFrom, 5_000) }]);
      for (const callId of ['before', 'exactly', 'inbound-after'])
        expect(await decisionOf(tenant, callId)).toMatchObject({ type: 'CallAdmitted', funding: 'credits' });
      await kafka.publish(
        Topics.CallEnded,
        ['before', 'exactly', 'inbound-after'].map((callId) => callEnded({ tenantId: tenant, callId, durationSeconds: 60 })),
      );
      // FR: 0.0349 + 0.0125 fee = 0.0474 → 0.05 before; 0.0500 + 0.0125 = 0.0625 → 0.06 from effectiveFrom on
      expect(await chargeOf(tenant, 'before')).toMatchObject({ cost: usd('0.05'), rate: { perMinute: '0.0349', rateCardVersion: '2026-11' } });
      expect(await chargeOf(tenant, 'exactly')).toMatchObject({ cost: usd('0.06'), rate: { perMinute: '0.0500', rateCardVersion: '2027-01' } });
      expect(await chargeOf(tenant, 'inbound-after')).toMatchObject({ rate: { kind: 'toll-free-inbound', country: 'US', rateCardVersion: '2027-01' } });
    });

    it('prices a pool overflow, whose message has no start, by the start the call log recorded', async () => {
      await kafka.publish(Topics.CallStarted, [callStarted({ tenantId: tenant, callId: 'overflow-after', occurredAt: at(effectiveFrom, 60_000) })]);
      await eventually(async () => {
        const call = await http<{ startedAt: string | null }>('GET', `${url}/tenants/${tenant}/calls/overflow-after`);
        if (!call.body?.startedAt) throw new Error('CallStarted not logged yet');
      });
      await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'overflow-after', 2)]);
      expect(await chargeOf(tenant, 'overflow-after')).toMatchObject({ cost: usd('0.10'), rate: { perMinute: '0.0500', rateCardVersion: '2027-01' } });
    });

    it('rebuilds the versions from their events to the same answers', async () => {
      const before = (await http('GET', `${url}/rates/versions`)).body;
      const { DATABASE_URL, KAFKA_BROKERS } = system.services['credit-wallet']!.config;
      await rebuildServiceProjections(creditWalletService, { DATABASE_URL, KAFKA_BROKERS });
      expect((await http('GET', `${url}/rates/versions`)).body).toEqual(before);
    });
  });

  describe('refusals, as problem+json', () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();

    it('only platform operators publish; anyone with a token reads', async () => {
      const admin = await asRole({ roles: ['tenant-admin'], tenant: 'contoso' });
      expect(await put('2027-02', nextCard('2027-02', future), admin)).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
      expect(await put('2027-02', nextCard('2027-02', future), ANONYMOUS)).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
      const reader = await asRole({ roles: ['tenant-reader'], tenant: 'contoso' });
      expect((await http('GET', `${url}/rates`, undefined, reader)).status).toBe(200);
      expect((await http('GET', `${url}/rates/versions`, undefined, reader)).status).toBe(200);
    });

    it('409 for a version that exists: a published version never changes', async () => {
      expect(await put('2026-11', nextCard('2026-11', future))).toMatchObject({ status: 409, body: { code: 'RATES.VERSION_EXISTS' } });
      expect(await put('2027-01', nextCard('2027-01', future, '0.0600'))).toMatchObject({ status: 409, body: { code: 'RATES.VERSION_EXISTS' } });
    });

    it('422 for a missing country, an invalid amount, an effectiveFrom not in the future', async () => {
      const noAfghanistan = { ...nextCard('2027-02', future), dialOut: bundled.dialOut.filter((r) => r.country !== 'AF') };
      const missing = await put('2027-02', noAfghanistan);
      expect(missing).toMatchObject({ status: 422, body: { code: 'RATES.COUNTRY_MISSING', missing: { dialOut: ['AF'], tollFreeInbound: [] } } });
      expect(missing.contentType).toContain('application/problem+json');
      expect(await put('2027-02', { ...nextCard('2027-02', future), tollFreeInbound: [] })).toMatchObject({
        status: 422,
        body: { code: 'RATES.COUNTRY_MISSING', missing: { tollFreeInbound: expect.arrayContaining(['US', 'GB']) } },
      });
      expect(await put('2027-02', nextCard('2027-02', future, '-0.05'))).toMatchObject({
        status: 422,
        body: { code: 'RATES.INVALID_RATE', invalidRates: [{ name: expect.stringMatching(/^dialOut\.\d+\.perMinute$/) }] },
      });
      expect(await put('2027-02', nextCard('2027-02', '2026-11-15T00:00:00.000Z'))).toMatchObject({
        status: 422,
        body: { code: 'RATES.EFFECTIVE_FROM_NOT_IN_FUTURE' },
      });
      expect(await put('2027-02', nextCard('2027-02', at(new Date().toISOString(), 5_000)))).toMatchObject({
        status: 422,
        body: { code: 'RATES.EFFECTIVE_FROM_NOT_IN_FUTURE' },
      });
    });

    it('400 for a malformed card, path or instant', async () => {
      const card = nextCard('2027-02', future);
      const numberRate = { ...card, dialOut: [{ country: 'FR', perMinute: 0.05, connectionFee: '0' }, ...card.dialOut.slice(1)] };
      const cases: [string, string, unknown][] = [
        ['a JSON number for an amount', '2027-02', numberRate],
        ['no increment', '2027-02', { ...card, increment: undefined }],
        ['an unknown field', '2027-02', { ...card, discount: '0.1' }],
        ['another version in the body', '2027-03', card],
        ['a bad version in the path', 'latest', { ...card, version: 'latest' }],
        ['a list that is not one', '2027-02', { ...card, dialOut: 'FR' }],
      ];
      for (const [label, version, body] of cases) {
        const refused = await put(version, body);
        expect({ label, status: refused.status, code: (refused.body as { code: string }).code }).toEqual({ label, status: 400, code: 'VALIDATION_FAILED' });
        expect(refused.contentType).toContain('application/problem+json');
      }
      const headers = await withDefaultToken({ 'content-type': 'application/json' });
      const broken = await fetch(`${url}/rates/2027-02`, { method: 'PUT', headers, body: '{"version": "2027-02",' });
      expect(broken.status).toBe(400);
      expect(broken.headers.get('content-type')).toContain('application/problem+json');
      for (const instant of ['yesterday', '2026-12-01', '2026-13-01T00:00:00Z']) {
        expect(await http('GET', `${url}/rates?at=${instant}`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      }
      expect((await http<{ version: string }[]>('GET', `${url}/rates/versions`)).body.map((v) => v.version)).toEqual(['2026-11', '2027-01']);
    });
  });
});
