import { Money } from '@comms-credits/contracts';
import { RechargeOutcome } from '../domain/auto-recharge';

export interface ChargeRequest {
  /** The recharge id: the gateway charges at most once per key, and answers a repeat with the first outcome. */
  idempotencyKey: string;
  /** The payment method's token (never a card number). */
  token: string;
  amount: Money;
  description: string;
}

/**
 * The port every payment provider adapter implements (the sandbox one for development and
 * tests; a real provider's adapter behind the same interface). It is called outside any
 * database transaction. `charge` resolves with a definitive outcome, or throws when the outcome
 * is unknown (timeout, lost connection): the caller then asks again with the same key, which a
 * provider must answer without charging twice.
 */
export abstract class PaymentGateway {
  abstract readonly name: string;
  abstract charge(request: ChargeRequest): Promise<RechargeOutcome>;
}
