import { createHash } from 'node:crypto';
import { RechargeOutcome } from '../domain/auto-recharge';
import { ChargeRequest, PaymentGateway } from './payment-gateway.port';

/**
 * The sandbox's test tokens (docs/credit-wallet.md). Like a provider's test mode, they never
 * move real money.
 */
export const SANDBOX_TOKENS = {
  /** Every charge succeeds. */
  succeeds: 'tok_sandbox_success',
  /** Every charge is declined (`card_declined`). */
  declines: 'tok_sandbox_decline',
  /** Every charge fails (`processing_error`) after `WALLET_SANDBOX_DELAY_MS`. */
  failsAfterDelay: 'tok_sandbox_fail_delayed',
} as const;

interface SandboxCharge {
  request: ChargeRequest;
  outcome: Promise<RechargeOutcome>;
}

/**
 * SANDBOX payment gateway, for development and tests only: it charges nobody. It behaves as a
 * provider does where the wallet depends on it: one charge per idempotency key (a repeat, even
 * while the first is in flight, gets the first outcome), and a deterministic payment id per key,
 * so after a restart a retried key gets the same answer. A token it does not know is declined.
 */
export class SandboxPaymentGateway extends PaymentGateway {
  readonly name = 'sandbox';
  private readonly charges = new Map<string, SandboxCharge>();

  constructor(private readonly options: { delayMs: number }) {
    super();
  }

  charge(request: ChargeRequest): Promise<RechargeOutcome> {
    const earlier = this.charges.get(request.idempotencyKey);
    if (earlier) return sameRequest(earlier.request, request) ? earlier.outcome : Promise.resolve(KEY_REUSED);
    const outcome = this.answer(request);
    this.charges.set(request.idempotencyKey, { request, outcome });
    return outcome;
  }

  /** How many distinct charges (idempotency keys) the sandbox has seen, for tests and local checks. */
  get chargeCount(): number {
    return this.charges.size;
  }

  private async answer(request: ChargeRequest): Promise<RechargeOutcome> {
    switch (request.token) {
      case SANDBOX_TOKENS.succeeds:
        return { status: 'succeeded', paymentId: `pay_sandbox_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}` };
      case SANDBOX_TOKENS.declines:
        return { status: 'declined', code: 'card_declined', message: 'the sandbox declines every charge to this token' };
      case SANDBOX_TOKENS.failsAfterDelay:
        await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
        return { status: 'failed', code: 'processing_error', message: `the sandbox failed this charge after ${this.options.delayMs} ms` };
      default:
        return {
          status: 'declined',
          code: 'sandbox_unknown_token',
          message: `the sandbox knows only its test tokens: ${Object.values(SANDBOX_TOKENS).join(', ')}`,
        };
    }
  }
}

const KEY_REUSED: RechargeOutcome = { status: 'failed', code: 'idempotency_key_reused', message: 'the idempotency key was used for another request' };

function sameRequest(a: ChargeRequest, b: ChargeRequest): boolean {
  return a.token === b.token && a.amount.amount === b.amount.amount && a.amount.currency === b.amount.currency;
}
