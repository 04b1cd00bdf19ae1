import { DEFAULT_GLOBAL_POLICY, DIALOUT_POLICIES, findPolicy, isDialoutPolicyName } from './dialout-policy.catalogue';

describe('dial-out policy catalogue', () => {
  // domain.md's table, copied by hand.
  it.each([
    ['DialoutCPCandPSTNInternational', 'Any', 'International'],
    ['DialoutCPCDomesticPSTNInternational', 'Domestic', 'International'],
    ['DialoutCPCDisabledPSTNInternational', 'Disabled', 'International'],
    ['DialoutCPCInternationalPSTNDomestic', 'Any', 'Domestic'],
    ['DialoutCPCInternationalPSTNDisabled', 'Any', 'Disabled'],
    ['DialoutCPCandPSTNDomestic', 'Domestic', 'Domestic'],
    ['DialoutCPCDomesticPSTNDisabled', 'Domestic', 'Disabled'],
    ['DialoutCPCDisabledPSTNDomestic', 'Disabled', 'Domestic'],
    ['DialoutCPCandPSTNDisabled', 'Disabled', 'Disabled'],
    ['DialoutCPCZoneAPSTNInternational', 'ZoneA', 'International'],
    ['DialoutCPCZoneAPSTNDomestic', 'ZoneA', 'Domestic'],
    ['DialoutCPCZoneAPSTNDisabled', 'ZoneA', 'Disabled'],
  ])('%s is CPC %s, PSTN %s', (name, cpc, pstn) => {
    expect(findPolicy(name)).toMatchObject({ name, cpc, pstn });
    expect(findPolicy(name)!.description).not.toBe('');
  });

  it('has the 12 policies, each named once', () => {
    expect(DIALOUT_POLICIES).toHaveLength(12);
    expect(new Set(DIALOUT_POLICIES.map((p) => p.name)).size).toBe(12);
  });

  it('defaults the Global policy to CPC and PSTN international', () => {
    expect(DEFAULT_GLOBAL_POLICY).toBe('DialoutCPCandPSTNInternational');
    expect(findPolicy(DEFAULT_GLOBAL_POLICY)).toMatchObject({ cpc: 'Any', pstn: 'International' });
  });

  it('knows no other policy, and names are case-sensitive', () => {
    expect(findPolicy('DialoutCPCandPSTNWorldwide')).toBeUndefined();
    expect(findPolicy('dialoutcpcandpstninternational')).toBeUndefined();
    expect(findPolicy('')).toBeUndefined();
    expect(isDialoutPolicyName('DialoutCPCZoneAPSTNDisabled')).toBe(true);
    expect(isDialoutPolicyName('Global')).toBe(false);
  });

  it('says in the description that PSTN Disabled still allows emergency numbers', () => {
    expect(findPolicy('DialoutCPCandPSTNDisabled')!.description).toMatch(/emergency/);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(DIALOUT_POLICIES)).toBe(true);
    expect(Object.isFrozen(findPolicy(DEFAULT_GLOBAL_POLICY))).toBe(true);
  });
});
