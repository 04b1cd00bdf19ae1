import { addDecimals, chartValue, compareDecimals, formatMoney, parseDecimal, sumMoney, toMinorUnits } from './money';

describe('money from decimal strings, without floats', () => {
  it.each([
    [{ amount: '20.00', currency: 'USD' }, '$20.00'],
    [{ amount: '1234567.5', currency: 'USD' }, '$1,234,567.50'],
    [{ amount: '-0.26', currency: 'USD' }, '−$0.26'],
    [{ amount: '0.0349', currency: 'USD' }, '$0.0349'],
    [{ amount: '0.0500', currency: 'USD' }, '$0.05'],
    [{ amount: '0', currency: 'EUR' }, '€0.00'],
    [{ amount: '1500', currency: 'JPY' }, '¥1,500'],
    [{ amount: '12.345', currency: 'KWD' }, '12.345 KWD'],
    [{ amount: '9007199254740993.01', currency: 'USD' }, '$9,007,199,254,740,993.01'],
  ])('formats %j as %s', (money, text) => {
    expect(formatMoney(money)).toBe(text);
  });

  it('signs credits when asked, and shows a dash for nothing', () => {
    expect(formatMoney({ amount: '25.00', currency: 'USD' }, { signed: true })).toBe('+$25.00');
    expect(formatMoney({ amount: '-25.00', currency: 'USD' }, { signed: true })).toBe('−$25.00');
    expect(formatMoney({ amount: '0.00', currency: 'USD' }, { signed: true })).toBe('$0.00');
    expect(formatMoney(null)).toBe('—');
  });

  it('adds exactly where floats would not: 0.1 + 0.2 = 0.3', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addDecimals('0.10', '0.20')).toBe('0.30');
    expect(addDecimals('-0.26', '0.0125')).toBe('-0.2475');
    expect(
      sumMoney(
        [
          { amount: '0.10', currency: 'USD' },
          { amount: '0.20', currency: 'USD' },
          { amount: '-0.05', currency: 'USD' },
        ],
        'USD',
      ),
    ).toEqual({ amount: '0.25', currency: 'USD' });
  });

  it('compares and converts to minor units exactly', () => {
    expect(compareDecimals('10.00', '9.999')).toBe(1);
    expect(compareDecimals('0.00', '0')).toBe(0);
    expect(toMinorUnits({ amount: '50.5', currency: 'USD' })).toBe(5050n);
    expect(toMinorUnits({ amount: '0.300', currency: 'USD' })).toBe(30n);
    expect(() => toMinorUnits({ amount: '0.301', currency: 'USD' })).toThrow(/more decimals/);
    expect(chartValue({ amount: '47.53', currency: 'USD' })).toBe(47.53);
  });

  it('refuses what is not a decimal string', () => {
    for (const bad of ['', '1e3', '1,000.00', 'NaN', '.5', '1.']) expect(() => parseDecimal(bad)).toThrow(/not a decimal/);
  });
});
