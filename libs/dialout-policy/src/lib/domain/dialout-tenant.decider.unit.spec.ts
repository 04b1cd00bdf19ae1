import { fold } from '@comms-credits/domain-kit';
import { DialoutTenantEvent, RESTATED_USERS_PER_EVENT, RESTATEMENT_EDITION, dialoutTenantDecider } from './dialout-tenant.decider';

const given = (events: DialoutTenantEvent[]) => fold(dialoutTenantDecider.evolve, dialoutTenantDecider.initialState(), events);
const grant = (policyName: string) => dialoutTenantDecider.decide({ type: 'GrantGlobalPolicy', policyName }, given([]));
const granted = (policyName: Extract<DialoutTenantEvent, { type: 'GlobalPolicyGranted' }>['data']['policyName']): DialoutTenantEvent => ({
  type: 'GlobalPolicyGranted',
  data: { policyName },
});

describe('dial-out tenant decider (the Global policy)', () => {
  it('grants a Global policy', () => {
    expect(grant('DialoutCPCZoneAPSTNDomestic')).toEqual({ ok: true, value: [granted('DialoutCPCZoneAPSTNDomestic')] });
  });

  it('records nothing when the policy is already the Global one, granted or default', () => {
    expect(grant('DialoutCPCandPSTNInternational')).toEqual({ ok: true, value: [] });
    const state = given([granted('DialoutCPCandPSTNDisabled')]);
    expect(dialoutTenantDecider.decide({ type: 'GrantGlobalPolicy', policyName: 'DialoutCPCandPSTNDisabled' }, state)).toEqual({ ok: true, value: [] });
  });

  it('grants the default back after another one', () => {
    const state = given([granted('DialoutCPCandPSTNDisabled')]);
    expect(dialoutTenantDecider.decide({ type: 'GrantGlobalPolicy', policyName: 'DialoutCPCandPSTNInternational' }, state)).toEqual({
      ok: true,
      value: [granted('DialoutCPCandPSTNInternational')],
    });
  });

  it('refuses an unknown name (names are case-sensitive) as bad input listing the valid ones', () => {
    for (const name of ['DialoutNowhere', 'dialoutcpcandpstninternational', '']) {
      const result = grant(name);
      expect(result).toMatchObject({ ok: false, error: { code: 'DIALOUT_POLICY.UNKNOWN_POLICY', kind: 'invalid' } });
      if (!result.ok) expect(result.error.message).toContain('DialoutCPCZoneAPSTNDisabled');
    }
  });

  describe('the restatement of the policies in force (one-hop admission, step 1)', () => {
    const restate = (state: ReturnType<typeof given>, userPolicies: { userId: string; policyName: 'DialoutCPCZoneAPSTNDomestic' }[]) =>
      dialoutTenantDecider.decide({ type: 'RestatePolicies', userPolicies }, state);

    it('states the Global policy (null: never granted) and every user policy, once', () => {
      const state = given([granted('DialoutCPCZoneAPSTNDomestic')]);
      const restated = restate(state, [
        { userId: 'bob', policyName: 'DialoutCPCZoneAPSTNDomestic' },
        { userId: 'alice', policyName: 'DialoutCPCZoneAPSTNDomestic' },
      ]);
      expect(restated).toEqual({
        ok: true,
        value: [
          {
            type: 'DialoutPoliciesRestated',
            data: {
              globalPolicy: 'DialoutCPCZoneAPSTNDomestic',
              userPolicies: [
                { userId: 'alice', policyName: 'DialoutCPCZoneAPSTNDomestic' },
                { userId: 'bob', policyName: 'DialoutCPCZoneAPSTNDomestic' },
              ],
              page: 1,
              pages: 1,
              edition: RESTATEMENT_EDITION,
            },
          },
        ],
      });
      expect(restate(given([]), [])).toMatchObject({ ok: true, value: [{ data: { globalPolicy: null, userPolicies: [], page: 1, pages: 1 } }] });
      const after = given([granted('DialoutCPCZoneAPSTNDomestic'), ...(restated.ok ? restated.value : [])]);
      expect(after).toEqual({ globalPolicy: 'DialoutCPCZoneAPSTNDomestic', restatedEdition: RESTATEMENT_EDITION });
      expect(restate(after, [{ userId: 'carol', policyName: 'DialoutCPCZoneAPSTNDomestic' }])).toEqual({ ok: true, value: [] });
    });

    it("restates again a tenant restated by session 8's edition, which licensing's replica never saw", () => {
      const session8: DialoutTenantEvent = { type: 'DialoutPoliciesRestated', data: { globalPolicy: null, userPolicies: [], page: 1, pages: 1 } };
      const again = restate(given([session8]), [{ userId: 'dan', policyName: 'DialoutCPCZoneAPSTNDomestic' }]);
      expect(again).toMatchObject({ ok: true, value: [{ data: { userPolicies: [{ userId: 'dan' }], edition: RESTATEMENT_EDITION } }] });
    });

    it('pages many users so that no event outgrows what a consumer accepts', () => {
      const users = Array.from({ length: RESTATED_USERS_PER_EVENT * 2 + 1 }, (_, i) => ({
        userId: `u${String(i).padStart(4, '0')}`,
        policyName: 'DialoutCPCZoneAPSTNDomestic' as const,
      }));
      const restated = restate(given([]), users);
      if (!restated.ok) throw new Error('refused');
      expect(restated.value.map((e) => e.data)).toEqual([
        expect.objectContaining({ page: 1, pages: 3, userPolicies: users.slice(0, RESTATED_USERS_PER_EVENT) }),
        expect.objectContaining({ page: 2, pages: 3, userPolicies: users.slice(RESTATED_USERS_PER_EVENT, RESTATED_USERS_PER_EVENT * 2) }),
        expect.objectContaining({ page: 3, pages: 3, userPolicies: users.slice(RESTATED_USERS_PER_EVENT * 2) }),
      ]);
      // The longest user ids (128 characters) still fit a consumer's 64 KiB limit.
      const widest = restate(
        given([]),
        users.slice(0, RESTATED_USERS_PER_EVENT).map((u) => ({ ...u, userId: u.userId.padEnd(128, 'x') })),
      );
      expect(Buffer.byteLength(JSON.stringify(widest.ok && widest.value[0]!.data))).toBeLessThan(60 * 1024);
    });
  });
});
