import { checkPaymentToken } from './payment-token';

describe('payment tokens never carry a card number', () => {
  it.each([
    '4111111111111111',
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111.1111.1111.1111',
    '4111_1111_1111_1111',
    '4111:1111:1111:1111',
    '4111/1111/1111/1111',
    '4111. 1111 .1111..1111',
    'tok_4111.1111.1111.1111',
    'card:5500-0000-0000-0004:exp',
    '3782 822463 10005', // 15-digit Amex
    '6011000990139424',
    '4111111111111', // 13 digits
    '4111111111111111111', // 19 digits
    '41111111111111111111111', // longer runs hold a PAN too
  ])('refuses %p as a card number', (token) => {
    expect(checkPaymentToken(token)?.code).toBe('WALLET.CARD_NUMBER_NOT_ACCEPTED');
  });

  it.each([
    'tok_sandbox_success',
    'pm_1N3kLm2eZvKYlo2C0eYx8BzP',
    'tok_9f8e7d6c5b4a39281706f5e4',
    'tok.1234.5678.9012', // 12 digits
    'src_2024-01-15',
  ])('accepts the provider token %p', (token) => {
    expect(checkPaymentToken(token)).toBeUndefined();
  });
});
