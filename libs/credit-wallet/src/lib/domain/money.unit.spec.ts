import { Exact, formatMinor, parseAmount, roundToMinor } from './money';

describe('money in minor units', () => {
  it('parses decimal strings exactly, never with more decimals than the currency has', () => {
    expect(parseAmount('20.00', 'USD')).toBe(2000n);
    expect(parseAmount('20', 'USD')).toBe(2000n);
    expect(parseAmount('0.5', 'EUR')).toBe(50n);
    expect(parseAmount('1.234', 'USD')).toBeUndefined();
    expect(parseAmount('1500', 'JPY')).toBe(1500n);
    expect(parseAmount('1500.5', 'JPY')).toBeUndefined();
    expect(parseAmount('1e3', 'USD')).toBeUndefined();
    expect(parseAmount(' 1.00', 'USD')).toBeUndefined();
    expect(parseAmount('-0.35', 'USD')).toBe(-35n);
  });

  it('formats minor units as decimal strings with the currency’s places', () => {
    expect(formatMinor(2000n, 'USD')).toBe('20.00');
    expect(formatMinor(5n, 'USD')).toBe('0.05');
    expect(formatMinor(-5n, 'USD')).toBe('-0.05');
    expect(formatMinor(0n, 'GBP')).toBe('0.00');
    expect(formatMinor(1500n, 'JPY')).toBe('1500');
  });

  it('rounds half-up to the minor unit once', () => {
    expect(roundToMinor(new Exact('0.2568'), 'USD')).toBe(26n);
    expect(roundToMinor(new Exact('0.125'), 'USD')).toBe(13n);
    expect(roundToMinor(new Exact('0.1249999'), 'USD')).toBe(12n);
    expect(roundToMinor(new Exact('12.5'), 'JPY')).toBe(13n);
  });
});
