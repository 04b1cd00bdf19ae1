import { checkWebhookUrl, isPrivateAddress } from './url-policy';
import { alertOf, retryDelayMs, webhookEndpointDecider } from './webhook.events';
import { reconcile } from '../reconciliation/reconcile';

describe('webhook URLs (SSRF stance)', () => {
  it('production: https to public hosts only', () => {
    expect(checkWebhookUrl('https://hooks.example.com/x', false).ok).toBe(true);
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/',
      'https://169.254.169.254/latest',
      'https://[::1]/',
      'https://localhost:8080/',
      'https://user:pw@example.com/',
      'ftp://example.com/',
    ]) {
      expect([url, checkWebhookUrl(url, false).ok]).toEqual([url, false]);
    }
  });

  it('development and tests: http and private addresses', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', true).ok).toBe(true);
    expect(checkWebhookUrl('not a url', true).ok).toBe(false);
  });

  it('private ranges, v4 and v6 and v4-mapped', () => {
    expect(
      ['10.0.0.1', '172.16.5.5', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'].every(
        isPrivateAddress,
      ),
    ).toBe(true);
    expect(['8.8.8.8', '2606:4700::1111', '172.32.0.1'].some(isPrivateAddress)).toBe(false);
  });
});

describe('webhook events and endpoints', () => {
  it('a published alert becomes a Standard Webhooks payload with a stable message id', () => {
    const alert = alertOf({
      eventId: '7b1f0e5c-0000-4000-8000-000000000001',
      type: 'PoolUsageThresholdReached',
      version: 1,
      occurredAt: '2026-11-24T10:00:00.000Z',
      tenantId: 'contoso',
      month: '2026-11',
      thresholdPercent: 80,
      usedMinutes: 480,
      capacityMinutes: 600,
    });
    expect(alert).toEqual({
      tenantId: 'contoso',
      event: 'pool.threshold_reached',
      messageId: 'msg_7b1f0e5c-0000-4000-8000-000000000001',
      payload: {
        type: 'pool.threshold_reached',
        timestamp: '2026-11-24T10:00:00.000Z',
        data: {
          tenantId: 'contoso',
          source: 'pool-ledger',
          sourceEvent: { id: '7b1f0e5c-0000-4000-8000-000000000001', type: 'PoolUsageThresholdReached' },
          month: '2026-11',
          thresholdPercent: 80,
          usedMinutes: 480,
          capacityMinutes: 600,
        },
      },
    });
    expect(alertOf({ eventId: 'x', type: 'FundsAdded', version: 1, occurredAt: '', tenantId: 't' })).toBeNull();
  });

  it('put creates once with a secret, changes only what changed; delete of an unknown endpoint is 404', () => {
    const put = { type: 'Put' as const, webhookId: 'w', url: 'https://a/', events: ['wallet.recharge_failed' as const], enabled: true, newSecret: 'whsec_x' };
    const created = webhookEndpointDecider.decide(put, webhookEndpointDecider.initialState());
    expect(created).toMatchObject({ ok: true, value: [{ type: 'WebhookEndpointCreated', data: { secret: 'whsec_x' } }] });
    const state = created.ok
      ? created.value.reduce(webhookEndpointDecider.evolve, webhookEndpointDecider.initialState())
      : webhookEndpointDecider.initialState();
    expect(webhookEndpointDecider.decide({ ...put, newSecret: 'other' }, state)).toEqual({ ok: true, value: [] });
    expect(webhookEndpointDecider.decide({ ...put, enabled: false }, state)).toMatchObject({ ok: true, value: [{ type: 'WebhookEndpointChanged' }] });
    expect(webhookEndpointDecider.decide({ type: 'Delete', webhookId: 'w' }, webhookEndpointDecider.initialState())).toMatchObject({
      ok: false,
      error: { code: 'WEBHOOK.NOT_FOUND', kind: 'not-found' },
    });
  });

  it('exponential back-off, capped', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 5_000, 3_600_000))).toEqual([5_000, 10_000, 20_000, 40_000, 2_560_000]);
    expect(retryDelayMs(20, 5_000, 3_600_000)).toBe(3_600_000);
  });
});

describe('reconciliation', () => {
  const base = {
    tenantId: 'contoso',
    month: '2026-11',
    reportCalls: [
      { callId: 'a', startTime: '2026-11-02T00:00:00.000Z', poolMinutes: 10, charge: '0.00', currency: null },
      { callId: 'b', startTime: '2026-11-03T00:00:00.000Z', poolMinutes: 0, charge: '0.26', currency: 'USD' },
      { callId: 'old', startTime: '2026-10-31T23:59:00.000Z', poolMinutes: 0, charge: '1.00', currency: 'USD' },
    ],
    pool: { usedMinutes: 10, calls: [{ callId: 'a', poolMinutes: 10 }] },
    walletCharges: [
      { callId: 'b', cost: '0.26', currency: 'USD' },
      { callId: 'old', cost: '1.00', currency: 'USD' },
    ],
  };

  it('agrees when the month adds up; a charge of a call of another month is not this month', () => {
    expect(reconcile(base)).toMatchObject({
      agrees: true,
      report: { calls: 2, poolMinutes: 10, charges: '0.26' },
      wallet: { charges: '0.26' },
      pool: { usedMinutes: 10 },
    });
  });

  it('says where they differ, call by call and in total', () => {
    const result = reconcile({
      ...base,
      pool: { usedMinutes: 12, calls: [{ callId: 'a', poolMinutes: 12 }] },
      walletCharges: [...base.walletCharges, { callId: 'ghost', cost: '0.50', currency: 'USD' }],
    });
    expect(result.agrees).toBe(false);
    expect(result.differences).toEqual([
      { kind: 'pool-minutes', callId: 'a', report: 10, other: 12, note: 'the pool debited other minutes than the report shows' },
      { kind: 'pool-minutes', callId: null, report: 10, other: 12, note: "the report's pool minutes differ from the pool's used minutes" },
      { kind: 'charge', callId: 'ghost', report: null, other: '0.50', note: 'the wallet charged a call the report does not have' },
      { kind: 'charge', callId: null, report: '0.26', other: '0.76', note: "the report's charges differ from the wallet's" },
    ]);
  });
});
