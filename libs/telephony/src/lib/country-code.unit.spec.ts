import { isIsoCountry } from './country-code';

describe('isIsoCountry', () => {
  it.each(['US', 'GB', 'FR', 'DE', 'JP', 'EG', 'PR'])('accepts the usage location %s', (code) => {
    expect(isIsoCountry(code)).toBe(true);
  });

  it.each(['XX', 'usa', 'USA', 'us', 'U', '', ' US', 'US ', '12'])('refuses %p', (code) => {
    expect(isIsoCountry(code)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isIsoCountry(undefined)).toBe(false);
    expect(isIsoCountry(null)).toBe(false);
    expect(isIsoCountry(1)).toBe(false);
  });
});
