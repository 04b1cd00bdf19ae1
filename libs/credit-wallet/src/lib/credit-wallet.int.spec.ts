import { randomUUID } from 'node:crypto';
import { Topics } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { TestSystem, http, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, eventually, uniqueTenant } from '@comms-credits/testing';
import { creditWalletService } from './credit-wallet.service';
import { TransactionBody, callHandedToWallet, ofTenant, poolOverflow, tollFreeCallRouted, walletApi } from './test-support/funding-events.fixtures';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('credit-wallet service', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let walletEvents: Collector;
  let url: string;
  let api: ReturnType<typeof walletApi>;

  beforeAll(async () => {
    system = await startTestSystem([creditWalletService], { WALLET_MAX_HOLD_MINUTES: 10, WALLET_WORKER_POLL_MS: 50 });
    kafka = new TestKafka(undefined, system.prefix);
    url = system.url('credit-wallet');
    api = walletApi(url);
    decisions = await kafka.collect(Topics.CallDecisions);
    walletEvents = await kafka.collect(Topics.CreditWalletEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const decisionOf = async (tenant: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId))[0]!.json!;

  describe('rates and funding', () => {
    const tenant = uniqueTenant('contoso');

    it('serves the rate card exactly as design.md shapes it', async () => {
      const { status, body } = await http<Record<string, unknown> & { dialOut: Record<string, string>[]; tollFreeInbound: unknown[] }>('GET', `${url}/rates`);
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(['currency', 'dialOut', 'effectiveFrom', 'increment', 'tollFreeInbound', 'version']);
      expect(body).toMatchObject({ version: '2026-11', currency: 'USD', effectiveFrom: '2026-11-01T00:00:00.000Z', increment: { first: 60, next: 60 } });
      expect(body.dialOut).toContainEqual({ country: 'FR', perMinute: '0.0349', connectionFee: '0.0125' });
      expect(body.dialOut.length).toBeGreaterThanOrEqual(56);
      expect(body.tollFreeInbound.length).toBeGreaterThanOrEqual(12);
    });

    it('documents every endpoint in OpenAPI', async () => {
      const { body } = await http<{ paths: Record<string, unknown> }>('GET', `${url}/docs-json`);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/rates',
          '/tenants/{tenantId}/wallet',
          '/tenants/{tenantId}/wallet/funds',
          '/tenants/{tenantId}/wallet/payment-method',
          '/tenants/{tenantId}/wallet/auto-recharge',
          '/tenants/{tenantId}/wallet/transactions',
          '/tenants/{tenantId}/wallet/lots',
        ]),
      );
    });

    it('refuses invalid amounts with 400, and a missing Idempotency-Key', async () => {
      for (const amount of ['0.00', '-5.00', '1.234', '1000000.01', 'ten']) {
        const refused = await api.fund(tenant, amount, randomUUID());
        expect({ amount, status: refused.status }).toEqual({ amount, status: 400 });
        expect(refused.contentType).toContain('application/problem+json');
      }
      expect((await http('POST', `${url}/tenants/${tenant}/wallet/funds`, { amount: 20, currency: 'USD' }, { 'idempotency-key': 'k' })).status).toBe(400);
      expect(await http('POST', `${url}/tenants/${tenant}/wallet/funds`, usd('20.00'))).toMatchObject({
        status: 400,
        body: { code: 'WALLET.IDEMPOTENCY_KEY_REQUIRED' },
      });
      expect((await api.wallet(tenant)).billingSetUp).toBe(false);
      expect(await api.fund('not a tenant!', '20.00', 'k')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('adds funds once per Idempotency-Key, even when the request is retried concurrently, and answers the same', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => api.fund(tenant, '20.00', 'order-1')));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      expect(answers[0]!.body).toMatchObject({ amount: usd('20.00'), source: 'funds', balanceAfter: usd('20.00') });
      const lots = await http<unknown[]>('GET', `${url}/tenants/${tenant}/wallet/lots`);
      expect(lots.body).toHaveLength(1);
      expect(await api.wallet(tenant)).toMatchObject({
        currency: 'USD',
        billingSetUp: true,
        balance: usd('20.00'),
        held: usd('0.00'),
        available: usd('20.00'),
      });
      expect(await api.fund(tenant, '25.00', 'order-1')).toMatchObject({ status: 422, body: { code: 'WALLET.IDEMPOTENCY_KEY_REUSED' } });

      const [changed] = await walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'WalletBalanceChanged');
      expect(changed!.json).toMatchObject({ balance: usd('20.00'), available: usd('20.00'), billingSetUp: true, cause: 'FundsAdded' });
      expect(changed!.key).toBe(tenant);
    });

    it('keeps one currency per wallet, the rate card’s', async () => {
      expect(await api.fund(tenant, '20.00', 'eur-1', 'EUR')).toMatchObject({ status: 409, body: { code: 'WALLET.CURRENCY_MISMATCH', expected: 'USD' } });
      expect(await api.fund(uniqueTenant('euro'), '20.00', 'eur-2', 'EUR')).toMatchObject({ status: 409, body: { code: 'WALLET.CURRENCY_MISMATCH' } });
    });

    it('takes payment tokens, never card numbers, and needs one before auto-recharge', async () => {
      const other = uniqueTenant('cards');
      expect(await api.autoRecharge(other, true, '5.00', '20.00')).toMatchObject({ status: 422, body: { code: 'WALLET.PAYMENT_METHOD_REQUIRED' } });
      const pan = await api.setPaymentMethod(other, '4111 1111 1111 1111');
      expect(pan).toMatchObject({ status: 400, body: { code: 'WALLET.CARD_NUMBER_NOT_ACCEPTED' } });
      expect(JSON.stringify(pan.body)).not.toContain('4111');
      expect(await api.setPaymentMethod(other, 'tok_sandbox_success')).toMatchObject({
        status: 200,
        body: { autoRecharge: { paymentMethod: { tokenHint: '…cess' } } },
      });
      expect(await api.autoRecharge(other, true, '5.00', '20.00')).toMatchObject({
        status: 200,
        body: { autoRecharge: { enabled: true, triggerAmount: usd('5.00'), rechargeAmount: usd('20.00') } },
      });
    });
  });

  describe('admission stage 4', () => {
    it('rejects with the contract’s reason codes, decided by the wallet', async () => {
      const tenant = uniqueTenant('unfunded');
      await kafka.publish(Topics.PoolLedgerEvents, [
        callHandedToWallet(tenant, 'exhausted', { reason: 'POOL_EXHAUSTED' }),
        callHandedToWallet(tenant, 'unlicensed', { creditsLicensed: false }),
        callHandedToWallet(tenant, 'unfunded'),
        callHandedToWallet(tenant, 'antarctica', { to: '+6721234', destinationCountry: 'AQ' }),
      ]);
      expect(await decisionOf(tenant, 'exhausted')).toMatchObject({
        type: 'CallRejected',
        reason: 'POOL_EXHAUSTED_NO_CREDITS',
        decidedBy: 'credit-wallet',
        details: { missing: 'BILLING' },
        correlationId: 'exhausted',
      });
      expect(await decisionOf(tenant, 'unlicensed')).toMatchObject({ reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE' });
      expect(await decisionOf(tenant, 'unfunded')).toMatchObject({ reason: 'INSUFFICIENT_CREDITS', details: { missing: 'BILLING' } });
      expect(await decisionOf(tenant, 'antarctica')).toMatchObject({ reason: 'NO_RATE_FOR_DESTINATION' });
    });

    it('rejects billed calls at zero balance', async () => {
      const tenant = uniqueTenant('drained');
      await api.fund(tenant, '1.00', 'once');
      // 5 minutes to EG cost 1.2085 → 1.21: the lot covers 1.00, the shortfall 0.21 is recorded
      await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'drain', 5, { destinationCountry: 'EG' })]);
      await walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'BalanceReachedZero');
      expect(ofTenant(walletEvents, tenant, 'CallCharged')[0]).toMatchObject({
        cost: usd('1.21'),
        amount: usd('1.00'),
        shortfall: usd('0.21'),
        balanceAfter: usd('0.00'),
      });

      await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'dial'), callHandedToWallet(tenant, 'pooled', { reason: 'POOL_EXHAUSTED' })]);
      await kafka.publish(Topics.TollFreeEvents, [tollFreeCallRouted(tenant, 'inbound')]);
      expect(await decisionOf(tenant, 'dial')).toMatchObject({ type: 'CallRejected', reason: 'INSUFFICIENT_CREDITS', details: { missing: 'FUNDS' } });
      expect(await decisionOf(tenant, 'pooled')).toMatchObject({ reason: 'POOL_EXHAUSTED_NO_CREDITS', details: { missing: 'FUNDS' } });
      expect(await decisionOf(tenant, 'inbound')).toMatchObject({ reason: 'INSUFFICIENT_CREDITS' });
      expect(await api.wallet(tenant)).toMatchObject({ balance: usd('0.00'), available: usd('0.00'), billingSetUp: true });
    });

    it('keeps 50 concurrent calls on a small balance from overspending: holds never exceed it', async () => {
      const tenant = uniqueTenant('crowd');
      await api.fund(tenant, '1.00', 'small');
      const dialOuts = Array.from({ length: 25 }, (_, i) => callHandedToWallet(tenant, `out-${i}`));
      const inbound = Array.from({ length: 25 }, (_, i) => tollFreeCallRouted(tenant, `in-${i}`));
      // Two topics: two chunks in flight at once, racing for the same wallet.
      await Promise.all([kafka.publish(Topics.PoolLedgerEvents, dialOuts), kafka.publish(Topics.TollFreeEvents, inbound)]);
      const decided = await decisions.waitFor((m) => m.json?.['tenantId'] === tenant, 50);
      expect(new Set(decided.map((d) => d.json!['callId'])).size).toBe(50);
      const admitted = decided.filter((d) => d.json!['type'] === 'CallAdmitted').map((d) => d.json!);
      const rejected = decided.filter((d) => d.json!['type'] === 'CallRejected').map((d) => d.json!);
      expect(admitted.length).toBeGreaterThanOrEqual(3);
      expect(rejected.every((r) => r['reason'] === 'INSUFFICIENT_CREDITS')).toBe(true);
      expect(admitted.every((a) => a['funding'] === 'credits' && (a['maxDurationSeconds'] as number) <= 600)).toBe(true);

      const wallet = await eventually(async () => {
        const w = await api.wallet(tenant);
        if (w.held.amount === '0.00') throw new Error('holds not projected yet');
        return w;
      });
      expect(cents(wallet.held.amount)).toBeLessThanOrEqual(100);
      expect(cents(wallet.available.amount)).toBeGreaterThanOrEqual(0);
      expect(cents(wallet.available.amount)).toBeLessThan(5);

      // Every call ends at its maximum: the charges add up to the holds, and the balance stays ≥ 0.
      await kafka.publish(
        Topics.CallEnded,
        admitted.map((a) => callEnded({ tenantId: tenant, callId: a['callId'] as string, durationSeconds: a['maxDurationSeconds'] as number })),
      );
      const charged = await walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'CallCharged', admitted.length);
      const total = charged.reduce((sum, m) => sum + cents((m.json!['amount'] as { amount: string }).amount), 0);
      expect(total).toBe(cents(wallet.held.amount));
      expect(charged.every((m) => (m.json!['shortfall'] as { amount: string }).amount === '0.00')).toBe(true);
      const after = await eventually(async () => {
        const w = await api.wallet(tenant);
        if (w.held.amount !== '0.00') throw new Error('holds not released yet');
        return w;
      });
      expect(cents(after.balance.amount)).toBe(100 - total);
      for (const m of walletEvents.messages.filter((x) => x.json?.['tenantId'] === tenant && x.json?.['type'] === 'WalletBalanceChanged')) {
        expect(cents((m.json!['available'] as { amount: string }).amount)).toBeGreaterThanOrEqual(0);
      }
    });
  });

  describe('settlement', () => {
    const tenant = uniqueTenant('fabrikam');
    let lotId: string;

    beforeAll(async () => {
      lotId = ((await api.fund(tenant, '20.00', 'seed')).body as { lotId: string }).lotId;
    });

    const transactionsOf = async (callId: string) => (await api.transactions(tenant, '?limit=200')).items.filter((t) => t.callId === callId);

    it('charges once whatever the repeats, when the end arrives before the hand-over', async () => {
      const end = callEnded({ tenantId: tenant, callId: 'early', durationSeconds: 420 });
      await kafka.publish(Topics.CallEnded, [end, end, { ...end, eventId: randomUUID() }]);
      await eventually(async () => {
        const call = await system.get<{ durationSeconds: number | null }>('credit-wallet', `/tenants/${tenant}/calls/early`);
        if (call.durationSeconds !== 420) throw new Error('end not recorded yet');
      });
      const handOver = callHandedToWallet(tenant, 'early');
      await kafka.publish(Topics.PoolLedgerEvents, [handOver, handOver, { ...handOver, eventId: randomUUID() }]);
      expect(await decisionOf(tenant, 'early')).toMatchObject({ type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: 600 });
      const [charge] = await walletEvents.waitFor(
        (m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'early' && m.json?.['type'] === 'CallCharged',
      );
      // 7 minutes to FR: 0.0349 × 7 + 0.0125 = 0.2568 → 0.26
      expect(charge!.json).toMatchObject({ cost: usd('0.26'), amount: usd('0.26'), causationEventId: end.eventId, lots: [{ lotId, amount: usd('0.26') }] });

      // A later call proves the repeats were consumed, and changed nothing.
      await kafka.publish(Topics.CallEnded, [end]);
      await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'marker', { creditsLicensed: false })]);
      await decisionOf(tenant, 'marker');
      expect(decisions.messages.filter((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'early')).toHaveLength(1);
      expect((await transactionsOf('early')).map((t) => t.type).sort()).toEqual(['CallCharged', 'HoldPlaced', 'HoldReleased']);
    });

    it('charges once when the end comes after the admission, even if repeated', async () => {
      const handOver = callHandedToWallet(tenant, 'late', { destinationCountry: 'EG', to: '+20223456789' });
      await kafka.publish(Topics.PoolLedgerEvents, [handOver]);
      await decisionOf(tenant, 'late');
      const end = callEnded({ tenantId: tenant, callId: 'late', durationSeconds: 61 });
      await kafka.publish(Topics.CallEnded, [end, { ...end, eventId: randomUUID(), durationSeconds: 500 }, end]);
      const [charge] = await walletEvents.waitFor(
        (m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'late' && m.json?.['type'] === 'CallCharged',
      );
      // 61 s is 2 minutes: 0.2417 × 2 + 0.05 = 0.5334 → 0.53
      expect(charge!.json).toMatchObject({ billedMinutes: '2', durationSeconds: 61, cost: usd('0.53') });
      await eventually(async () => expect((await transactionsOf('late')).map((t) => t.type).sort()).toEqual(['CallCharged', 'HoldPlaced', 'HoldReleased']));
    });

    it('settles in its bookkeeping group: its main group, which admits, never fetches call-ended', async () => {
      await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'grouped')]);
      await decisionOf(tenant, 'grouped');
      await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'grouped', durationSeconds: 30 })]);
      await walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === 'grouped' && m.json?.['type'] === 'CallCharged');
      const group = `${system.prefix}credit-wallet`;
      await kafka.waitUntilCaughtUp(`${group}.bookkeeping`, Topics.CallEnded);
      expect(await kafka.hasCommitted(group, Topics.CallEnded)).toBe(false);
      expect([...(await kafka.committedOffsets(group, Topics.PoolLedgerEvents)).values()].some((offset) => offset > 0n)).toBe(true);
    });

    it('charges a pool overflow at the destination rate without connection fee, and records one it cannot bill', async () => {
      const overflow = poolOverflow(tenant, 'overflow', 7);
      await kafka.publish(Topics.PoolLedgerEvents, [overflow, overflow, poolOverflow(tenant, 'unlicensed', 3, { creditsLicensed: false })]);
      const [charge] = await walletEvents.waitFor((m) => m.json?.['callId'] === 'overflow' && m.json?.['type'] === 'CallCharged');
      // 0.0349 × 7 = 0.2443 → 0.24
      expect(charge!.json).toMatchObject({ kind: 'pool-overflow', billedMinutes: '7', cost: usd('0.24'), causationEventId: overflow.eventId });
      const [unbilled] = await walletEvents.waitFor((m) => m.json?.['callId'] === 'unlicensed' && m.json?.['type'] === 'OverflowUnbilled');
      expect(unbilled!.json).toMatchObject({ reason: 'NO_COMMUNICATIONS_CREDITS_LICENSE', uncoveredMinutes: 3 });
    });

    it('lists traceable transactions, newest first, a page at a time', async () => {
      const early = await transactionsOf('early');
      const charge = early.find((t) => t.type === 'CallCharged')!;
      expect(charge).toMatchObject({
        amount: usd('-0.26'),
        callId: 'early',
        rate: { kind: 'dial-out', country: 'FR', perMinute: '0.0349', connectionFee: '0.0125', rateCardVersion: '2026-11' },
        lots: [{ lotId, amount: usd('0.26') }],
        details: { cost: usd('0.26'), shortfall: usd('0.00'), billedMinutes: '7' },
      });
      expect(early.find((t) => t.type === 'HoldPlaced')).toMatchObject({ held: usd('0.36'), rate: { country: 'FR' }, causationEventId: expect.any(String) });
      expect(early.find((t) => t.type === 'HoldReleased')).toMatchObject({ held: usd('-0.36') });

      const all: TransactionBody[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: { items: TransactionBody[]; nextCursor: string | null } = await api.transactions(tenant, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        all.push(...page.items);
        cursor = page.nextCursor;
      }
      const sequences = all.map((t) => t.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
      expect(all.at(-1)).toMatchObject({ type: 'FundsAdded', amount: usd('20.00'), lots: [{ lotId, amount: usd('20.00') }] });
      const balance = all.reduce((sum, t) => sum + cents(t.amount.amount), 0);
      expect(usd((balance / 100).toFixed(2))).toEqual((await api.wallet(tenant)).balance);

      // ?callId=: only that call's entries, newest first, paged like the rest; none for a call the wallet never saw.
      const ofEarly = await api.transactions(tenant, '?callId=early&limit=200');
      expect(ofEarly.items).toEqual(all.filter((t) => t.callId === 'early'));
      const firstOfEarly = await api.transactions(tenant, '?callId=early&limit=1');
      expect(firstOfEarly.items).toEqual(ofEarly.items.slice(0, 1));
      expect((await api.transactions(tenant, `?callId=early&limit=200&cursor=${firstOfEarly.nextCursor}`)).items).toEqual(ofEarly.items.slice(1));
      expect((await api.transactions(tenant, '?callId=never')).items).toEqual([]);
    });

    it('rebuilds the read models from the wallet streams to the same answers', async () => {
      const before = { wallet: await api.wallet(tenant), transactions: await api.transactions(tenant, '?limit=200') };
      const { DATABASE_URL, KAFKA_BROKERS } = system.services['credit-wallet']!.config;
      await rebuildServiceProjections(creditWalletService, { DATABASE_URL, KAFKA_BROKERS });
      expect({ wallet: await api.wallet(tenant), transactions: await api.transactions(tenant, '?limit=200') }).toEqual(before);
    });
  });
});
