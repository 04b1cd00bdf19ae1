import { countryOfNumber, isTollFreeNumber, REMEMBERED_NUMBERS, TelephonyErrorCodes } from './phone-number';

describe('countryOfNumber', () => {
  it.each([
    ['+33142685300', 'FR'],
    ['+442079460000', 'GB'],
    ['+14255550100', 'US'],
    ['+18005550100', 'US'],
    ['+5511987654321', 'BR'],
    ['+27211234567', 'ZA'],
    ['+20223456789', 'EG'],
    ['+541141234567', 'AR'],
    // +1 is shared by the NANP countries; the national range decides.
    ['+12505550199', 'CA'],
    ['+17875550100', 'PR'],
  ])('%s is in %s', (number, country) => {
    expect(countryOfNumber(number)).toEqual({ ok: true, value: country });
  });

  it.each([
    ['+999123', 'unassigned country calling code'],
    ['+1911', 'too short for the NANP'],
    ['+33 1 42 68 53 00', 'not E.164: spaces'],
    ['0142685300', 'not E.164: national form'],
    ['911', 'a short code, not E.164'],
    ['', 'empty'],
    ['+8001234', 'too short for international freephone'],
  ])('%p is refused (%s)', (number) => {
    const result = countryOfNumber(number);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(TelephonyErrorCodes.InvalidNumber);
    expect(result.error.kind).toBe('invalid');
    expect(result.error.message).toContain(JSON.stringify(number));
    expect(result.error.details).toEqual({ number });
  });

  it('refuses a valid non-geographic number, which has no country', () => {
    const result = countryOfNumber('+80012345678');
    expect(result).toMatchObject({ ok: false, error: { code: 'TELEPHONY.INVALID_NUMBER' } });
    expect(!result.ok && result.error.message).toMatch(/non-geographic/);
  });
});

describe('isTollFreeNumber', () => {
  it('knows a US toll-free number', () => {
    expect(isTollFreeNumber('+18005550100')).toBe(true);
  });

  it.each(['+14255550100', '+33142685300', '+442079460000', '+5511987654321'])('%s is not toll-free', (number) => {
    expect(isTollFreeNumber(number)).toBe(false);
  });

  it('says no for an invalid number instead of failing', () => {
    expect(isTollFreeNumber('+999123')).toBe(false);
    expect(isTollFreeNumber('800')).toBe(false);
  });
});

describe('remembered answers', () => {
  it('answers the same when asked again, refusals included, also after more numbers than it remembers', () => {
    const first = [countryOfNumber('+33142685300'), countryOfNumber('+999123'), isTollFreeNumber('+18005550100')];
    // More distinct numbers than it keeps: the first answers are forgotten and found again.
    for (let i = 0; i <= REMEMBERED_NUMBERS; i++) countryOfNumber(`+1425${String(i).padStart(7, '0')}`);
    expect([countryOfNumber('+33142685300'), countryOfNumber('+999123'), isTollFreeNumber('+18005550100')]).toEqual(first);
    expect(first[0]).toEqual({ ok: true, value: 'FR' });
    expect(first[1]).toMatchObject({ ok: false, error: { code: TelephonyErrorCodes.InvalidNumber } });
    expect(first[2]).toBe(true);
  });
});
