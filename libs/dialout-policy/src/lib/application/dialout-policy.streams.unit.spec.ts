import { dialoutTenantStream, dialoutUserStream } from './dialout-policy.streams';

describe('dialout-policy streams (ids are persisted: they never change)', () => {
  it('given a tenant, when its Global policy is named, then it is the stream `dialout-tenant:<tenant>` of type dialout-tenant', () => {
    expect(dialoutTenantStream('t1')).toEqual({ streamId: 'dialout-tenant:t1', streamType: 'dialout-tenant', tenantId: 't1' });
  });

  it('given a user, when what the service knows of them is named, then it is the stream `dialout-user:<tenant>:<userId>` of type dialout-user', () => {
    expect(dialoutUserStream('t1', 'u1')).toEqual({ streamId: 'dialout-user:t1:u1', streamType: 'dialout-user', tenantId: 't1' });
  });
});
