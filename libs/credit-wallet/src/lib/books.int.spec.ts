import { Topics } from '@comms-credits/contracts';
import { rebuildServiceProjections } from '@comms-credits/platform';
import { TestSystem, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, eventually, uniqueTenant } from '@comms-credits/testing';
import { creditWalletService } from './credit-wallet.service';
import { RechargeWorker } from './application/recharge.worker';
import { SANDBOX_TOKENS } from './payments/sandbox-payment-gateway.adapter';
import { callHandedToWallet, ofTenant, poolOverflow, walletApi } from './test-support/funding-events.fixtures';

const usd = (amount: string) => ({ amount, currency: 'USD' });

/**
 * Issue 11 on the real broker and database: continuation on credits, grant caps, owed money,
 * hold expiry with a late CallEnded, and auto-recharge on the available balance. Holds of
 * credits calls are one minute (`WALLET_MAX_HOLD_MINUTES`) and the grace 1.2 s, so a hold
 * expires about a minute after its admission.
 */
describe('credit-wallet books', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let walletEvents: Collector;
  let api: ReturnType<typeof walletApi>;

  beforeAll(async () => {
    system = await startTestSystem([creditWalletService], {
      WALLET_MAX_HOLD_MINUTES: 1,
      WALLET_SETTLEMENT_GRACE_MINUTES: 0.02,
      WALLET_WORKER_POLL_MS: 50,
    });
    kafka = new TestKafka(undefined, system.prefix);
    api = walletApi(system.url('credit-wallet'));
    decisions = await kafka.collect(Topics.CallDecisions);
    walletEvents = await kafka.collect(Topics.CreditWalletEvents);
  });
  afterAll(async () => {
    await kafka?.close();
    await system?.stop();
  });

  const decisionOf = async (tenant: string, callId: string) =>
    (await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['callId'] === callId))[0]!.json!;
  const waitFor = (tenant: string, type: string, count = 1, timeoutMs?: number) =>
    walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === type, count, timeoutMs);
  const continuation = (tenant: string, callId: string, poolSeconds = 600, maxCreditSeconds = 3000) =>
    callHandedToWallet(tenant, callId, { reason: 'POOL_CONTINUATION', poolSeconds, maxCreditSeconds });
  const transactionsOf = async (tenant: string, callId?: string) =>
    (await api.transactions(tenant, '?limit=200')).items.filter((t) => callId === undefined || t.callId === callId);
  const walletIs = (tenant: string, expected: Record<string, unknown>) =>
    eventually(async () => {
      const wallet = await api.wallet(tenant);
      expect(wallet).toMatchObject(expected);
      return wallet;
    });

  it('continues a pool call on credits: holds, states the split, charges the minutes beyond the pool without fee', async () => {
    const tenant = uniqueTenant('continued');
    const lotId = ((await api.fund(tenant, '20.00', 'seed')).body as { lotId: string }).lotId;
    await kafka.publish(Topics.PoolLedgerEvents, [continuation(tenant, 'cont')]);
    expect(await decisionOf(tenant, 'cont')).toMatchObject({
      type: 'CallAdmitted',
      funding: 'pool',
      maxDurationSeconds: 3600,
      split: { poolSeconds: 600, creditSeconds: 3000 },
      decidedBy: 'credit-wallet',
    });
    // 50 credit minutes at 0.0349 (FR, no connection fee) = 1.745 → 1.75 held
    await walletIs(tenant, { balance: usd('20.00'), held: usd('1.75'), available: usd('18.25'), owed: usd('0.00') });

    const end = callEnded({ tenantId: tenant, callId: 'cont', durationSeconds: 1499 });
    await kafka.publish(Topics.CallEnded, [end, end]);
    const [charged] = await waitFor(tenant, 'CallCharged');
    // 1499 s → 25 minutes, 10 of them the pool's: 15 × 0.0349 = 0.5235 → 0.52
    expect(charged!.json).toMatchObject({ kind: 'pool-continuation', billedMinutes: '15', poolMinutes: 10, cost: usd('0.52'), causationEventId: end.eventId });
    await walletIs(tenant, { balance: usd('19.48'), held: usd('0.00') });
    const rows = await transactionsOf(tenant, 'cont');
    expect(rows.map((t) => t.type).sort()).toEqual(['CallCharged', 'HoldPlaced', 'HoldReleased']);
    expect(rows.find((t) => t.type === 'CallCharged')).toMatchObject({
      amount: usd('-0.52'),
      rate: { country: 'FR', perMinute: '0.0349' },
      lots: [{ lotId, amount: usd('0.52') }],
      details: { kind: 'pool-continuation', cost: usd('0.52') },
    });
  });

  it('settles a duration reported beyond the grant at the grant and shows the excess to ops', async () => {
    const tenant = uniqueTenant('excess');
    await api.fund(tenant, '20.00', 'seed');
    await kafka.publish(Topics.PoolLedgerEvents, [continuation(tenant, 'ms')]);
    await decisionOf(tenant, 'ms');
    // milliseconds sent as seconds (under the 7-day limit that dead-letters it)
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'ms', durationSeconds: 600_000 })]);
    const [anomaly] = await waitFor(tenant, 'SettlementExceededGrant');
    expect(anomaly!.json).toMatchObject({ callId: 'ms', reportedSeconds: 600_000, grantedSeconds: 3600, excessSeconds: 596_400 });
    const [charged] = await waitFor(tenant, 'CallCharged');
    expect(charged!.json).toMatchObject({ billedMinutes: '50', cost: usd('1.75'), unbilledSeconds: 596_400 });
    await walletIs(tenant, { balance: usd('18.25'), held: usd('0.00') });
    expect((await transactionsOf(tenant, 'ms')).find((t) => t.type === 'SettlementExceededGrant')).toMatchObject({ details: { excessSeconds: 596_400 } });
  });

  it('owes what the lots cannot cover, refuses credits calls while it owes, and pays the debt first from the next funds', async () => {
    const tenant = uniqueTenant('owing');
    await api.fund(tenant, '1.00', 'seed');
    // 5 minutes to EG: 1.2085 → 1.21, the lot covers 1.00
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'drain', 5, { destinationCountry: 'EG' })]);
    await waitFor(tenant, 'CallCharged');
    await walletIs(tenant, { balance: usd('0.00'), owed: usd('0.21'), available: usd('0.00') });

    await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'refused')]);
    expect(await decisionOf(tenant, 'refused')).toMatchObject({
      type: 'CallRejected',
      reason: 'INSUFFICIENT_CREDITS',
      details: { missing: 'FUNDS', owed: '0.21' },
    });

    const lotId = ((await api.fund(tenant, '5.00', 'next')).body as { lotId: string }).lotId;
    const [settled] = await waitFor(tenant, 'OwedSettled');
    expect(settled!.json).toMatchObject({ lotId, amount: usd('0.21'), owedAfter: usd('0.00'), balanceAfter: usd('4.79') });
    await walletIs(tenant, { balance: usd('4.79'), owed: usd('0.00'), available: usd('4.79') });
    expect((await transactionsOf(tenant)).find((t) => t.type === 'OwedSettled')).toMatchObject({
      amount: usd('-0.21'),
      lots: [{ lotId, amount: usd('0.21') }],
    });
    await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'paid-up')]);
    expect(await decisionOf(tenant, 'paid-up')).toMatchObject({ type: 'CallAdmitted', funding: 'credits' });
  });

  it('recharges $5 below a $25 trigger once per charge that leaves it below, instead of running down to zero', async () => {
    const tenant = uniqueTenant('small-recharge');
    await api.fund(tenant, '30.00', 'seed');
    await api.setPaymentMethod(tenant, SANDBOX_TOKENS.succeeds);
    expect((await api.autoRecharge(tenant, true, '25.00', '5.00')).status).toBe(200);
    // 12.00 (960 minutes to the US at 0.0125): 18.00, recharged to 23.00 — still below 25
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'o-1', 960, { destinationCountry: 'US' })]);
    await waitFor(tenant, 'AutoRechargeSucceeded');
    await walletIs(tenant, { balance: usd('23.00'), autoRecharge: { pending: false } });
    // the next charge (1.00) recharges again: 22.00 → 27.00; the one after (26.00) does not
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'o-2', 80, { destinationCountry: 'US' })]);
    await waitFor(tenant, 'AutoRechargeSucceeded', 2);
    await walletIs(tenant, { balance: usd('27.00'), autoRecharge: { pending: false } });
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'o-3', 80, { destinationCountry: 'US' })]);
    await walletIs(tenant, { balance: usd('26.00') });
    const requested = ofTenant(walletEvents, tenant, 'AutoRechargeRequested');
    expect(requested.map((r) => r['reason'])).toEqual(['crossed-trigger', 'below-trigger']);
  });

  it('stops recharging at the monthly cap and alerts once', async () => {
    const tenant = uniqueTenant('capped');
    await api.fund(tenant, '30.00', 'seed');
    await api.setPaymentMethod(tenant, SANDBOX_TOKENS.succeeds);
    const configured = await api.autoRecharge(tenant, true, '25.00', '5.00', 1);
    expect(configured).toMatchObject({ status: 200, body: { autoRecharge: { maxRechargesPerMonth: 1, rechargesThisMonth: 0 } } });
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'o-1', 960, { destinationCountry: 'US' })]);
    await waitFor(tenant, 'AutoRechargeSucceeded');
    await kafka.publish(Topics.PoolLedgerEvents, [
      poolOverflow(tenant, 'o-2', 80, { destinationCountry: 'US' }),
      poolOverflow(tenant, 'o-3', 80, { destinationCountry: 'US' }),
    ]);
    const [alert] = await waitFor(tenant, 'AutoRechargeCapReached');
    expect(alert!.json).toMatchObject({ maxRechargesPerMonth: 1, triggerAmount: usd('25.00') });
    await walletIs(tenant, { balance: usd('21.00'), autoRecharge: { maxRechargesPerMonth: 1, rechargesThisMonth: 1, pending: false } });
    expect(ofTenant(walletEvents, tenant, 'AutoRechargeRequested')).toHaveLength(1);
    expect(ofTenant(walletEvents, tenant, 'AutoRechargeCapReached')).toHaveLength(1);
    expect((await api.autoRecharge(tenant, true, '25.00', '5.00', 0)).status).toBe(400);
  });

  it('releases a hold whose CallEnded does not come by grant + grace, and still settles a late CallEnded, owing what the lots miss', async () => {
    const tenant = uniqueTenant('lost-end');
    await api.fund(tenant, '0.30', 'seed');
    await kafka.publish(Topics.PoolLedgerEvents, [callHandedToWallet(tenant, 'lost')]);
    // one minute to FR: 0.0349 + 0.0125 = 0.0474 → 0.05 held
    expect(await decisionOf(tenant, 'lost')).toMatchObject({ type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: 60 });
    await walletIs(tenant, { held: usd('0.05') });
    // Time is driven, not waited for: nothing is due now; grant (60 s) + grace later, the hold is.
    const worker = system.services['credit-wallet']!.app.get(RechargeWorker);
    await worker.tickDueWallets(new Date().toISOString());
    await walletIs(tenant, { held: usd('0.05') });
    await worker.tickDueWallets(new Date(Date.now() + 60_000 + 0.02 * 60_000 + 5_000).toISOString());
    const [missing] = await waitFor(tenant, 'CallSettlementMissing');
    expect(missing!.json).toMatchObject({ callId: 'lost', grantedSeconds: 60, heldAmount: usd('0.05') });
    await walletIs(tenant, { balance: usd('0.30'), held: usd('0.00'), available: usd('0.30') });

    // the money goes elsewhere (8 minutes to FR: 0.2792 → 0.28), then the end comes after all
    await kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'other', 8, { destinationCountry: 'FR' })]);
    await walletIs(tenant, { balance: usd('0.02') });
    await kafka.publish(Topics.CallEnded, [callEnded({ tenantId: tenant, callId: 'lost', durationSeconds: 3000 })]);
    await waitFor(tenant, 'CallSettledLate');
    const charge = (await waitFor(tenant, 'CallCharged', 2)).map((m) => m.json!).find((c) => c['callId'] === 'lost');
    // settled at the grant (60 s): 0.05, of which the lots cover 0.02 and 0.03 is owed
    expect(charge).toMatchObject({ kind: 'call', cost: usd('0.05'), amount: usd('0.02'), shortfall: usd('0.03'), owedAfter: usd('0.03') });
    await walletIs(tenant, { balance: usd('0.00'), held: usd('0.00'), owed: usd('0.03') });
    const types = (await transactionsOf(tenant, 'lost')).map((t) => t.type);
    expect(types).toEqual(['CallCharged', 'CallSettledLate', 'SettlementExceededGrant', 'CallSettlementMissing', 'HoldPlaced']);
  });

  it('rebuilds the snapshots and read models from the wallet streams to the same answers', async () => {
    const tenants = [...new Set(walletEvents.messages.map((m) => m.json?.['tenantId'] as string))].filter(Boolean);
    const before = await Promise.all(tenants.map(async (t) => ({ wallet: await api.wallet(t), transactions: await api.transactions(t, '?limit=200') })));
    const { DATABASE_URL, KAFKA_BROKERS } = system.services['credit-wallet']!.config;
    await rebuildServiceProjections(creditWalletService, { DATABASE_URL, KAFKA_BROKERS });
    const after = await Promise.all(tenants.map(async (t) => ({ wallet: await api.wallet(t), transactions: await api.transactions(t, '?limit=200') })));
    expect(after).toEqual(before);
  });
});
