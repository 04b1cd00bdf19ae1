import { tollFreeAccountStream, tollFreeChargeStream, tollFreeInventoryStream } from './toll-free.streams';

describe('toll-free streams (ids are persisted: they never change)', () => {
  it('given a tenant, when its account is named, then it is the stream `toll-free-account:<tenant>` of type toll-free-account', () => {
    expect(tollFreeAccountStream('t1')).toEqual({ streamId: 'toll-free-account:t1', streamType: 'toll-free-account', tenantId: 't1' });
  });

  it('given a country, when its inventory is named, then it is the stream `toll-free-inventory:<country>` of type toll-free-inventory, of no tenant', () => {
    expect(tollFreeInventoryStream('US')).toEqual({ streamId: 'toll-free-inventory:US', streamType: 'toll-free-inventory', tenantId: 'toll-free-inventory' });
  });

  it('given a routed call, when its charge is named, then it is the stream `toll-free-charge:<tenant>:<callId>` of type toll-free-charge', () => {
    expect(tollFreeChargeStream('t1', 'c1')).toEqual({ streamId: 'toll-free-charge:t1:c1', streamType: 'toll-free-charge', tenantId: 't1' });
  });
});
