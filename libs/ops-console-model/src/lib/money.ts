/**
 * Money as the APIs send it: decimal strings with a currency (`{"amount":"20.00","currency":"USD"}`).
 * Everything here works on the digits (bigint), never on floats: "0.10" + "0.20" is "0.30".
 */
export interface Money {
  amount: string;
  currency: string;
}

/** A decimal as an integer and the number of digits after its point: "-12.345" → {units: -12345n, scale: 3}. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string exactly; throws on anything else (a float's exponent, a comma, an empty string). */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** a + b, exactly, at the larger scale of the two. */
export function addDecimals(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return decimalToString({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** −1, 0 or 1 as a < b, a = b, a > b. */
export function compareDecimals(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isZero(amount: string): boolean {
  return parseDecimal(amount).units === 0n;
}

export function decimalToString({ units, scale }: Decimal): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Digits of a currency's minor unit (ISO 4217; 2 unless listed). */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, VND: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3, JOD: 3 };
const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: 'CA$', AUD: 'A$' };

export function minorDigitsOf(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** The amount in the currency's minor units (cents), exactly; more decimals than the currency has are refused. */
export function toMinorUnits(money: Money): bigint {
  const value = parseDecimal(money.amount);
  const digits = minorDigitsOf(money.currency);
  if (value.scale <= digits) return rescale(value, digits);
  const factor = 10n ** BigInt(value.scale - digits);
  if (value.units % factor !== 0n) throw new Error(`${money.amount} has more decimals than ${money.currency} has`);
  return value.units / factor;
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export interface FormatOptions {
  /** Show "+" before positive amounts (transactions). */
  signed?: boolean;
}

/**
 * "$1,234.50", "−$0.26", "€0.0349": at least the currency's minor digits, more only when the
 * amount has non-zero ones (rates), grouped by thousands, a real minus sign.
 */
export function formatMoney(money: Money | null | undefined, options: FormatOptions = {}): string {
  if (!money) return '—';
  const value = parseDecimal(money.amount);
  const digits = minorDigitsOf(money.currency);
  let { units, scale } = value;
  while (scale > digits && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  if (scale < digits) {
    units = rescale({ units, scale }, digits);
    scale = digits;
  }
  const text = decimalToString({ units: units < 0n ? -units : units, scale });
  const [whole, fraction] = text.split('.');
  const symbol = SYMBOLS[money.currency];
  const body = `${group(whole!)}${fraction !== undefined ? `.${fraction}` : ''}`;
  const withCurrency = symbol ? `${symbol}${body}` : `${body} ${money.currency}`;
  const sign = units < 0n ? '−' : options.signed && units > 0n ? '+' : '';
  return `${sign}${withCurrency}`;
}

/**
 * A position for a chart axis (a float, used for drawing only): the exact minor units divided
 * by the currency's factor. Every figure shown as text goes through `formatMoney` instead.
 */
export function chartValue(money: Money): number {
  return Number(toMinorUnits(money)) / 10 ** minorDigitsOf(money.currency);
}

/** The sum of amounts of one currency, exactly. */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  return { amount: amounts.reduce((total, m) => addDecimals(total, m.amount), '0'), currency };
}
