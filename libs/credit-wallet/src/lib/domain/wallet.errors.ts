import { DomainError } from '@comms-credits/domain-kit';

/** The wallet's refusals, with stable codes (mapped to problem+json at the HTTP edge). */
export const WalletErrors = {
  invalidAmount: (field: string, detail: string) => new DomainError('WALLET.INVALID_AMOUNT', `${field}: ${detail}`, 'invalid', { field }),
  currencyMismatch: (requested: string, expected: string) =>
    new DomainError(
      'WALLET.CURRENCY_MISMATCH',
      `the wallet keeps ${expected} (the rate card's currency, fixed by the first funding): ${requested} is refused`,
      'conflict',
      { requested, expected },
    ),
  idempotencyKeyReused: (key: string) =>
    new DomainError('WALLET.IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${JSON.stringify(key)} was used for another amount`, 'rule', {
      idempotencyKey: key,
    }),
  cardNumberNotAccepted: () =>
    new DomainError(
      'WALLET.CARD_NUMBER_NOT_ACCEPTED',
      'this looks like a card number: send the payment provider’s token for the card, never the card number',
      'invalid',
      { field: 'token' },
    ),
  invalidPaymentToken: () =>
    new DomainError('WALLET.INVALID_PAYMENT_TOKEN', 'a payment token is 3-200 characters of letters, digits and _ : . -', 'invalid', {
      field: 'token',
    }),
  paymentMethodRequired: () =>
    new DomainError('WALLET.PAYMENT_METHOD_REQUIRED', 'auto-recharge needs a payment method: PUT /wallet/payment-method first', 'rule'),
  invalidRechargeCap: () =>
    new DomainError('WALLET.INVALID_RECHARGE_CAP', 'maxRechargesPerMonth must be a whole number of at least 1, or null for no cap', 'invalid', {
      field: 'maxRechargesPerMonth',
    }),
  rechargeAmountsRequired: () =>
    new DomainError('WALLET.AUTO_RECHARGE_AMOUNTS_REQUIRED', 'enabling auto-recharge needs triggerAmount and rechargeAmount', 'invalid', {
      field: 'triggerAmount',
    }),
};
