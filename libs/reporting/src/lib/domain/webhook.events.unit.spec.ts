import { alertOf, retryDelayMs, webhookEndpointDecider } from './webhook.events';

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
