import { subscriptionsStream, userStream } from './licensing.streams';

describe('licensing streams (ids are persisted: they never change)', () => {
  it('given a user, when they are named, then it is the stream `user:<tenant>:<userId>` of type user', () => {
    expect(userStream('t1', 'u1')).toEqual({ streamId: 'user:t1:u1', streamType: 'user', tenantId: 't1' });
  });

  it('given a tenant, when its subscriptions are named, then it is the stream `subscriptions:<tenant>` of type subscriptions', () => {
    expect(subscriptionsStream('t1')).toEqual({ streamId: 'subscriptions:t1', streamType: 'subscriptions', tenantId: 't1' });
  });
});
