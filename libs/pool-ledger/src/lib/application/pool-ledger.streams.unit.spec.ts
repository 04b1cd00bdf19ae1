import { poolCapacityStream, poolMonthStream } from './pool-ledger.streams';

describe('pool-ledger streams (ids are persisted: they never change)', () => {
  it('given a tenant and a month, when the month is named, then it is the stream `pool:<tenant>:<month>` of type pool-month', () => {
    expect(poolMonthStream('t1', '2026-12')).toEqual({ streamId: 'pool:t1:2026-12', streamType: 'pool-month', tenantId: 't1' });
  });

  it('given a tenant, when its capacity is named, then it is the stream `pool-capacity:<tenant>` of type pool-capacity', () => {
    expect(poolCapacityStream('t1')).toEqual({ streamId: 'pool-capacity:t1', streamType: 'pool-capacity', tenantId: 't1' });
  });
});
