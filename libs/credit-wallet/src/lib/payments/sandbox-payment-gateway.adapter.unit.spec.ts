import { ChargeRequest } from './payment-gateway.port';
import { SANDBOX_TOKENS, SandboxPaymentGateway } from './sandbox-payment-gateway.adapter';

const request = (token: string, idempotencyKey = 'r-1'): ChargeRequest => ({
  idempotencyKey,
  token,
  amount: { amount: '20.00', currency: 'USD' },
  description: 'auto-recharge',
});

describe('sandbox payment gateway', () => {
  it('answers each test token as documented', async () => {
    const gateway = new SandboxPaymentGateway({ delayMs: 5 });
    expect(await gateway.charge(request(SANDBOX_TOKENS.succeeds, 'a'))).toMatchObject({
      status: 'succeeded',
      paymentId: expect.stringMatching(/^pay_sandbox_/),
    });
    expect(await gateway.charge(request(SANDBOX_TOKENS.declines, 'b'))).toMatchObject({ status: 'declined', code: 'card_declined' });
    expect(await gateway.charge(request(SANDBOX_TOKENS.failsAfterDelay, 'c'))).toMatchObject({ status: 'failed', code: 'processing_error' });
    expect(await gateway.charge(request('tok_live_x', 'd'))).toMatchObject({ status: 'declined', code: 'sandbox_unknown_token' });
  });

  it('charges once per idempotency key, even while the first charge is in flight', async () => {
    const gateway = new SandboxPaymentGateway({ delayMs: 5 });
    const [first, second] = await Promise.all([gateway.charge(request(SANDBOX_TOKENS.succeeds)), gateway.charge(request(SANDBOX_TOKENS.succeeds))]);
    expect(second).toEqual(first);
    expect(await gateway.charge(request(SANDBOX_TOKENS.succeeds))).toEqual(first);
    expect(gateway.chargeCount).toBe(1);
    expect(await gateway.charge({ ...request(SANDBOX_TOKENS.succeeds), amount: { amount: '99.00', currency: 'USD' } })).toMatchObject({
      status: 'failed',
      code: 'idempotency_key_reused',
    });
  });

  it('gives the same payment id for the same key after a restart', async () => {
    const before = await new SandboxPaymentGateway({ delayMs: 0 }).charge(request(SANDBOX_TOKENS.succeeds));
    const after = await new SandboxPaymentGateway({ delayMs: 0 }).charge(request(SANDBOX_TOKENS.succeeds));
    expect(after).toEqual(before);
  });
});
