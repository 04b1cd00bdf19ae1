import { Topics } from '@comms-credits/contracts';
import { TestSystem, startTestSystem } from '@comms-credits/service-testing';
import { Collector, TestKafka, callEnded, eventually, uniqueTenant } from '@comms-credits/testing';
import { RechargeWorker } from './application/recharge.worker';
import { creditWalletService } from './credit-wallet.service';
import { PaymentGateway } from './payments/payment-gateway.port';
import { SANDBOX_TOKENS, SandboxPaymentGateway } from './payments/sandbox-payment-gateway.adapter';
import { callHandedToWallet, ofTenant, poolOverflow, walletApi } from './test-support/funding-events.fixtures';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const SANDBOX_DELAY_MS = 1_500;

describe('credit-wallet auto-recharge', () => {
  let system: TestSystem;
  let kafka: TestKafka;
  let decisions: Collector;
  let walletEvents: Collector;
  let api: ReturnType<typeof walletApi>;

  beforeAll(async () => {
    system = await startTestSystem([creditWalletService], {
      WALLET_MAX_HOLD_MINUTES: 20,
      WALLET_WORKER_POLL_MS: 50,
      WALLET_SANDBOX_DELAY_MS: SANDBOX_DELAY_MS,
      WALLET_RECHARGE_BACKOFF_BASE_MS: 200,
      WALLET_RECHARGE_BACKOFF_MAX_MS: 800,
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

  /** A wallet of 10.00 that recharges 20.00 below 5.00, charged to `token`. */
  async function rechargingWallet(label: string, token: string): Promise<string> {
    const tenant = uniqueTenant(label);
    expect((await api.fund(tenant, '10.00', 'seed')).status).toBe(201);
    expect((await api.setPaymentMethod(tenant, token)).status).toBe(200);
    expect((await api.autoRecharge(tenant, true, '5.00', '20.00')).status).toBe(200);
    return tenant;
  }
  /** Charges 6.00 at once (480 overflow minutes to the US at 0.0125): the balance falls to 4.00, below the trigger. */
  const crossTrigger = (tenant: string) => kafka.publish(Topics.PoolLedgerEvents, [poolOverflow(tenant, 'big', 480, { destinationCountry: 'US' })]);
  const waitFor = (tenant: string, type: string, count = 1) => walletEvents.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === type, count);
  const balanceOf = (tenant: string, expected: string) =>
    eventually(async () => expect(await api.wallet(tenant)).toMatchObject({ balance: usd(expected), held: usd('0.00') }));

  it('fires once under many concurrent charges, and adds the recharge as a lot', async () => {
    const tenant = await rechargingWallet('busy', SANDBOX_TOKENS.succeeds);
    // 15 dial-outs to the US, each held for 20 minutes (0.25), ended at 16 minutes (0.20)…
    await kafka.publish(
      Topics.PoolLedgerEvents,
      Array.from({ length: 15 }, (_, i) => callHandedToWallet(tenant, `c-${i}`, { to: '+14255550123', destinationCountry: 'US' })),
    );
    const admitted = await decisions.waitFor((m) => m.json?.['tenantId'] === tenant && m.json?.['type'] === 'CallAdmitted', 15);
    expect(admitted.every((m) => m.json!['maxDurationSeconds'] === 1200)).toBe(true);
    // …while 15 overflows of 16 minutes (0.20 each) arrive on another topic: 6.00 in all, concurrently.
    await Promise.all([
      kafka.publish(
        Topics.CallEnded,
        Array.from({ length: 15 }, (_, i) => callEnded({ tenantId: tenant, callId: `c-${i}`, durationSeconds: 960 })),
      ),
      kafka.publish(
        Topics.PoolLedgerEvents,
        Array.from({ length: 15 }, (_, i) => poolOverflow(tenant, `o-${i}`, 16, { destinationCountry: 'US' })),
      ),
    ]);
    await waitFor(tenant, 'CallCharged', 30);
    const [succeeded] = await waitFor(tenant, 'AutoRechargeSucceeded');
    await balanceOf(tenant, '24.00');

    const requested = ofTenant(walletEvents, tenant, 'AutoRechargeRequested');
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ amount: usd('20.00'), triggerAmount: usd('5.00'), reason: 'crossed-trigger', attempt: 1 });
    expect(succeeded!.json).toMatchObject({ rechargeId: requested[0]!['rechargeId'], amount: usd('20.00'), paymentId: expect.stringMatching(/^pay_sandbox_/) });
    expect(ofTenant(walletEvents, tenant, 'FundsAdded').map((f) => f['source'])).toEqual(['funds', 'auto-recharge']);
    expect(ofTenant(walletEvents, tenant, 'AutoRechargeSucceeded')).toHaveLength(1);
  });

  it('backs off exponentially after declines, alerts after three in a row, and recovers with a new payment method', async () => {
    const tenant = await rechargingWallet('declined', SANDBOX_TOKENS.declines);
    await crossTrigger(tenant);
    await waitFor(tenant, 'AutoRechargeAlert');
    const attempts = walletEvents.messages
      .filter((m) => m.json?.['tenantId'] === tenant && String(m.json?.['type']).startsWith('AutoRecharge'))
      .map((m) => m.json!)
      .slice(0, 7);
    // Never two pending: each request is answered before the next one.
    expect(attempts.map((e) => e['type'])).toEqual([
      'AutoRechargeRequested',
      'AutoRechargeFailed',
      'AutoRechargeRequested',
      'AutoRechargeFailed',
      'AutoRechargeRequested',
      'AutoRechargeFailed',
      'AutoRechargeAlert',
    ]);
    const failures = attempts.filter((e) => e['type'] === 'AutoRechargeFailed');
    expect(failures.map((f) => [f['consecutiveFailures'], f['backoffMs'], f['code']])).toEqual([
      [1, 200, 'card_declined'],
      [2, 400, 'card_declined'],
      [3, 800, 'card_declined'],
    ]);
    for (const [failure, retry] of [
      [failures[0]!, attempts[2]!],
      [failures[1]!, attempts[4]!],
    ]) {
      expect(Date.parse(retry['occurredAt'] as string)).toBeGreaterThanOrEqual(Date.parse(failure['retryAt'] as string));
    }
    expect(attempts[6]).toMatchObject({ consecutiveFailures: 3, code: 'card_declined' });
    expect(
      ofTenant(walletEvents, tenant, 'AutoRechargeRequested')
        .map((r) => r['attempt'])
        .slice(0, 3),
    ).toEqual([1, 2, 3]);

    await api.setPaymentMethod(tenant, SANDBOX_TOKENS.succeeds);
    await waitFor(tenant, 'AutoRechargeSucceeded');
    await balanceOf(tenant, '24.00');
    expect((await api.wallet(tenant)).autoRecharge).toMatchObject({ consecutiveFailures: 0, pending: false });
  });

  it('loses nothing and charges once when the process fails between the gateway’s success and recording it', async () => {
    const app = system.services['credit-wallet']!.app;
    const worker = app.get(RechargeWorker);
    const gateway = app.get(PaymentGateway) as SandboxPaymentGateway;
    const tenant = uniqueTenant('crash');
    const record = worker.record.bind(worker);
    let crashed = false;
    const recording = jest.spyOn(worker, 'record').mockImplementation(async (tenantId, rechargeId, outcome) => {
      if (tenantId === tenant && !crashed) {
        crashed = true;
        throw new Error('simulated crash after the gateway charged');
      }
      return record(tenantId, rechargeId, outcome);
    });
    const charges = jest.spyOn(gateway, 'charge');
    try {
      const chargedBefore = gateway.chargeCount;
      await api.fund(tenant, '10.00', 'seed');
      await api.setPaymentMethod(tenant, SANDBOX_TOKENS.succeeds);
      await api.autoRecharge(tenant, true, '5.00', '20.00');
      await crossTrigger(tenant);
      await waitFor(tenant, 'AutoRechargeSucceeded');
      await balanceOf(tenant, '24.00');

      const [requested] = ofTenant(walletEvents, tenant, 'AutoRechargeRequested');
      const asked = charges.mock.calls.filter(([request]) => request.idempotencyKey === requested!['rechargeId']);
      expect(crashed).toBe(true);
      expect(asked.length).toBeGreaterThanOrEqual(2);
      expect(gateway.chargeCount).toBe(chargedBefore + 1);
      expect(ofTenant(walletEvents, tenant, 'AutoRechargeSucceeded')).toHaveLength(1);
      expect(ofTenant(walletEvents, tenant, 'FundsAdded')).toHaveLength(2);
    } finally {
      recording.mockRestore();
      charges.mockRestore();
    }
  });

  it('calls the gateway outside any transaction: the wallet keeps working while a slow charge fails', async () => {
    const tenant = await rechargingWallet('slow', SANDBOX_TOKENS.failsAfterDelay);
    await crossTrigger(tenant);
    await waitFor(tenant, 'AutoRechargeRequested');
    expect((await api.fund(tenant, '1.00', 'meanwhile')).status).toBe(201);
    expect(await api.wallet(tenant)).toMatchObject({ balance: usd('5.00'), autoRecharge: { pending: true } });
    const [failed] = await waitFor(tenant, 'AutoRechargeFailed');
    expect(failed!.json).toMatchObject({ outcome: 'failed', code: 'processing_error', consecutiveFailures: 1 });
    await api.autoRecharge(tenant, false);
  });
});
