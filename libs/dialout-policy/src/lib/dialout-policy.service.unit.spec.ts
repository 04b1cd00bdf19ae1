import { DialoutPoliciesRestatedV1, GlobalPolicyGrantedV1, UserPolicyGrantedV1 } from '@comms-credits/contracts';
import { publishedContractMismatch } from '@comms-credits/service-testing';
import { routeDialoutPolicyEvent } from './dialout-policy.service';
import { dialoutTenantDecider } from './domain/dialout-tenant.decider';
import { dialoutUserDecider } from './domain/dialout-user.decider';

describe('routeDialoutPolicyEvent', () => {
  it('publishes a cleared call on dialout-policy.events and a rejection on calls.decisions', () => {
    expect(routeDialoutPolicyEvent({ type: 'CallCleared' })).toBe('dialout-policy.events');
    expect(routeDialoutPolicyEvent({ type: 'CallRejected' })).toBe('calls.decisions');
  });

  it('publishes the policy grants on dialout-policy.events, for the one-hop admission to replicate', () => {
    expect(routeDialoutPolicyEvent({ type: 'GlobalPolicyGranted' })).toBe('dialout-policy.events');
    expect(routeDialoutPolicyEvent({ type: 'UserPolicyGranted' })).toBe('dialout-policy.events');
    expect(routeDialoutPolicyEvent({ type: 'DialoutPoliciesRestated' })).toBe('dialout-policy.events');
  });

  it.each(['UsageLocationLearned', 'UsageLocationAwaited', 'CallAwaitingUsageLocation', 'CallStartObserved', 'CallEndObserved', 'toString'])(
    'keeps %s inside the service',
    (type) => expect(routeDialoutPolicyEvent({ type })).toBeNull(),
  );
});

describe('the grants it publishes on dialout-policy.events', () => {
  const decided = <E>(result: { ok: boolean; value?: E[] }): E => {
    if (!result.ok || !result.value?.[0]) throw new Error('expected an event');
    return result.value[0];
  };

  it('are read by a consumer as their contract describes them, field for field', () => {
    const global = decided(
      dialoutTenantDecider.decide({ type: 'GrantGlobalPolicy', policyName: 'DialoutCPCDisabledPSTNInternational' }, dialoutTenantDecider.initialState()),
    );
    const user = decided(
      dialoutUserDecider.decide({ type: 'GrantUserPolicy', userId: 'alice', policyName: 'DialoutCPCZoneAPSTNDomestic' }, dialoutUserDecider.initialState()),
    );
    const removed = decided(
      dialoutUserDecider.decide(
        { type: 'GrantUserPolicy', userId: 'alice', policyName: null },
        { ...dialoutUserDecider.initialState(), policyName: 'DialoutCPCZoneAPSTNDomestic' },
      ),
    );
    const restated = decided(
      dialoutTenantDecider.decide(
        { type: 'RestatePolicies', userPolicies: [{ userId: 'alice', policyName: 'DialoutCPCZoneAPSTNDomestic' }] },
        dialoutTenantDecider.initialState(),
      ),
    );
    expect([
      publishedContractMismatch(GlobalPolicyGrantedV1, global),
      publishedContractMismatch(UserPolicyGrantedV1, user),
      publishedContractMismatch(UserPolicyGrantedV1, removed),
      publishedContractMismatch(DialoutPoliciesRestatedV1, restated),
    ]).toEqual(['', '', '', '']);
  });
});
