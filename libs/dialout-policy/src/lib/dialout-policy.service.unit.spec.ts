import { routeDialoutPolicyEvent } from './dialout-policy.service';

describe('routeDialoutPolicyEvent', () => {
  it('publishes a cleared call on dialout-policy.events and a rejection on calls.decisions', () => {
    expect(routeDialoutPolicyEvent({ type: 'CallCleared' })).toBe('dialout-policy.events');
    expect(routeDialoutPolicyEvent({ type: 'CallRejected' })).toBe('calls.decisions');
  });

  it.each(['GlobalPolicyGranted', 'UserPolicyGranted', 'UsageLocationLearned', 'CallStartObserved', 'CallEndObserved', 'toString'])(
    'keeps %s inside the service',
    (type) => expect(routeDialoutPolicyEvent({ type })).toBeNull(),
  );
});
