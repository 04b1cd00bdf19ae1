import { isIsoCountry } from './country-code';
import { isZoneA, ZONE_A_COUNTRIES } from './zone-a';

describe('Zone A', () => {
  it('has the 44 countries of domain.md, each once', () => {
    expect(ZONE_A_COUNTRIES).toHaveLength(44);
    expect(new Set(ZONE_A_COUNTRIES).size).toBe(44);
  });

  it('lists only country codes that telephony knows', () => {
    expect(ZONE_A_COUNTRIES.filter((c) => !isIsoCountry(c))).toEqual([]);
  });

  it.each(['US', 'CA', 'PR', 'GB', 'FR', 'DE', 'BR', 'ZA', 'JP', 'TW', 'HK'])('%s is in Zone A', (country) => {
    expect(isZoneA(country)).toBe(true);
  });

  it.each(['EG', 'AR', 'AE', 'TR', 'IL', 'NG', 'us', ''])('%p is not in Zone A', (country) => {
    expect(isZoneA(country)).toBe(false);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(ZONE_A_COUNTRIES)).toBe(true);
  });
});
