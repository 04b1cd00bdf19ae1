import { fold } from '@comms-credits/domain-kit';
import { DialoutTenantEvent, dialoutTenantDecider } from './dialout-tenant.decider';

const given = (events: DialoutTenantEvent[]) => fold(dialoutTenantDecider.evolve, dialoutTenantDecider.initialState(), events);
const grant = (policyName: string) => dialoutTenantDecider.decide({ type: 'GrantGlobalPolicy', policyName }, given([]));
const granted = (policyName: DialoutTenantEvent['data']['policyName']): DialoutTenantEvent => ({ type: 'GlobalPolicyGranted', data: { policyName } });

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
});
