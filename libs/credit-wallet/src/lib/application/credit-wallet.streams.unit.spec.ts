import { rateCardStream, walletStream } from './credit-wallet.streams';

describe('credit-wallet streams (ids are persisted: they never change)', () => {
  it('given a tenant, when its wallet is named, then it is the stream `wallet:<tenant>` of type wallet', () => {
    expect(walletStream('t1')).toEqual({ streamId: 'wallet:t1', streamType: 'wallet', tenantId: 't1' });
  });

  it('given a version, when the rate card is named, then it is the stream `rate-card:<version>` of type rate-card, of no tenant', () => {
    expect(rateCardStream('2026-12-01')).toEqual({ streamId: 'rate-card:2026-12-01', streamType: 'rate-card', tenantId: 'rate-cards' });
  });
});
