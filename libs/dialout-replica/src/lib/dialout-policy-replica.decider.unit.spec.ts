import { deciderSpec } from '@comms-credits/domain-kit';
import { DialoutPolicyReplicaCommand, DialoutPolicyReplicaEvent, dialoutPolicyReplicaDecider } from './dialout-policy-replica.decider';

const replica = deciderSpec(dialoutPolicyReplicaDecider);
const restatement = (page: number, pages: number, edition = 2): Extract<DialoutPolicyReplicaCommand, { type: 'LearnRestatement' }> => ({
  type: 'LearnRestatement',
  globalPolicy: 'DialoutCPCZoneAPSTNDomestic',
  userPolicies: [{ userId: `u${page}`, policyName: 'DialoutCPCDisabledPSTNDomestic' }],
  page,
  pages,
  edition,
});
const learned = (page: number, pages: number, complete: boolean, edition = 2): DialoutPolicyReplicaEvent => {
  const { type: _type, ...data } = restatement(page, pages, edition);
  return { type: 'DialoutPoliciesRestatementLearned', data: { ...data, complete } };
};

describe('dial-out policy replica decider', () => {
  it('knows a tenant once every page of its restatement is learned', () => {
    expect(replica.given().when(restatement(1, 1)).events).toEqual([learned(1, 1, true)]);
    expect(replica.given().when(restatement(1, 3)).events).toEqual([learned(1, 3, false)]);
    expect(replica.given([learned(1, 3, false)]).when(restatement(2, 3)).events).toEqual([learned(2, 3, false)]);
    expect(replica.given([learned(1, 3, false), learned(2, 3, false)]).when(restatement(3, 3)).events).toEqual([learned(3, 3, true)]);
  });

  it('learns a newer restatement again, page by page, and stays known meanwhile', () => {
    const again = replica.given([learned(1, 1, true)]).when(restatement(1, 2));
    expect(again.events).toEqual([learned(1, 2, true)]);
    expect(again.state).toEqual({ edition: 2, learnedPages: [1], known: true });
    // A tenant not known yet is known only once the newer one is complete.
    expect(replica.given([learned(1, 2, false)]).when(restatement(1, 2)).events).toEqual([learned(1, 2, false)]);
  });

  it("learns session 8's restatement (edition 1) but knows no tenant by it: dialout-policy still screened every call then", () => {
    expect(replica.given().when(restatement(1, 1, 1)).events).toEqual([learned(1, 1, false, 1)]);
    expect(replica.given([learned(1, 1, false, 1)]).when(restatement(1, 1, 2)).events).toEqual([learned(1, 1, true)]);
    // Pages of two editions never make one restatement, whatever page is missing.
    expect(replica.given([learned(1, 2, false, 1)]).when(restatement(2, 2, 2)).events).toEqual([learned(2, 2, false)]);
  });

  it('records every grant, before and after the restatement, in the order published', () => {
    const global = { type: 'LearnGlobalPolicy', policyName: 'DialoutCPCandPSTNDisabled' } as const;
    const user = { type: 'LearnUserPolicy', userId: 'u1', policyName: null } as const;
    expect(replica.given().when(global).events).toEqual([{ type: 'DialoutGlobalPolicyLearned', data: { policyName: 'DialoutCPCandPSTNDisabled' } }]);
    expect(replica.given([learned(1, 1, true)]).when(user).events).toEqual([{ type: 'DialoutUserPolicyLearned', data: { userId: 'u1', policyName: null } }]);
  });

  it('states whether the tenant is known', () => {
    expect(replica.given([learned(1, 2, false)]).state.known).toBe(false);
    expect(replica.given([learned(1, 2, false), learned(2, 2, true)]).state.known).toBe(true);
  });
});
