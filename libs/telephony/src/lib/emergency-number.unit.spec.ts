import { emergencyCountriesOf, isEmergencyNumber } from './emergency-number';

/** What Google's libphonenumber short-number metadata says today; asserted as it is. */
describe('isEmergencyNumber', () => {
  it.each([
    ['911', 'US'],
    ['911', 'CA'],
    ['112', 'GB'],
    ['999', 'GB'],
    ['112', 'FR'],
    ['112', 'DE'],
    ['000', 'AU'],
    ['112', 'AU'],
    ['110', 'JP'],
    ['119', 'JP'],
    ['122', 'EG'],
    // The library lists 112 for the US too (it forwards to 911 on US mobile networks).
    ['112', 'US'],
  ])('%s is an emergency number in %s', (dialled, country) => {
    expect(isEmergencyNumber(dialled, country)).toBe(true);
  });

  it.each([
    // 911 is not a British emergency number: the library says so, and a British user dialling
    // it does not reach emergency services.
    ['911', 'GB'],
    ['999', 'US'],
    // The library does not list 112 for Egypt.
    ['112', 'EG'],
    // Exact match only: a longer number that starts with 911 is not 911.
    ['9111', 'US'],
    // An E.164 form is never an emergency number for the library (a leading + rules it out).
    ['+1911', 'US'],
    ['+44999', 'GB'],
    ['', 'US'],
    // Only plain digits, as the contract sends them (the library alone would accept these).
    ['9-1-1', 'US'],
    [' 911', 'US'],
    ['911abc', 'US'],
    ['911', 'XX'],
    ['911', 'us'],
  ])('%p is not an emergency number in %p', (dialled, country) => {
    expect(isEmergencyNumber(dialled, country)).toBe(false);
  });
});

/** For a caller whose usage location is not known yet (domain.md, "Emergency calls always go through"). */
describe('emergencyCountriesOf', () => {
  it('lists every country where the code is an emergency number, in alphabetical order', () => {
    const countries = emergencyCountriesOf('112');
    expect(countries).toEqual(expect.arrayContaining(['DE', 'FR', 'GB', 'US']));
    expect(countries).not.toContain('EG');
    expect([...countries].sort()).toEqual(countries);
    expect(emergencyCountriesOf('911')).toEqual(expect.arrayContaining(['US', 'CA']));
    expect(emergencyCountriesOf('000')).toContain('AU');
  });

  it('agrees with isEmergencyNumber country by country', () => {
    for (const country of emergencyCountriesOf('999')) expect(isEmergencyNumber('999', country)).toBe(true);
    expect(isEmergencyNumber('999', 'US')).toBe(false);
    expect(emergencyCountriesOf('999')).not.toContain('US');
  });

  it.each(['12345', '9111', '+1911', '9-1-1', '', '911abc'])('knows no country where %p is an emergency number', (dialled) => {
    expect(emergencyCountriesOf(dialled)).toEqual([]);
  });
});
