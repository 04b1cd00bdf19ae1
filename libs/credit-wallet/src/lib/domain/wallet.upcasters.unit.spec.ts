import { WalletEvent } from './wallet.events';
import { upcastWalletEvent } from './wallet.upcasters';

describe('wallet upcasters', () => {
  const hold = (dueBy?: string): WalletEvent => ({
    type: 'HoldPlaced',
    data: {
      callId: 'c-1',
      amount: { amount: '0.36', currency: 'USD' },
      grantedMinutes: 10,
      maxDurationSeconds: 600,
      rate: {
        kind: 'dial-out',
        country: 'FR',
        perMinute: '0.0349',
        connectionFee: '0.0125',
        currency: 'USD',
        rateCardVersion: '2026-11',
        increment: { first: 60, next: 60 },
      },
      causationEventId: 'handed-c-1',
      ...(dueBy ? { dueBy } : {}),
    },
  });

  it('gives a first-version hold the due time it would have had: its time + grant + 15 minutes', () => {
    expect(upcastWalletEvent(hold(), new Date('2026-11-24T10:00:00.000Z'))).toMatchObject({ data: { dueBy: '2026-11-24T10:25:00.000Z' } });
  });

  it('leaves today’s events as they are', () => {
    const today = hold('2026-11-24T11:00:00.000Z');
    expect(upcastWalletEvent(today, new Date('2026-11-24T10:00:00.000Z'))).toBe(today);
  });
});
