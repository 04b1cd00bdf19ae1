import { isSupportedCountry } from 'libphonenumber-js/max';

/**
 * An ISO 3166-1 alpha-2 country code in upper case (`US`, `GB`, `FR`): a usage location or
 * the country of a number. A plain string alias, so codes read from events and requests need
 * no cast; check unknown input with {@link isIsoCountry} at the edge.
 */
export type CountryCode = string;

const ALPHA_2 = /^[A-Z]{2}$/;

/**
 * Whether `code` is a country code that telephony knows: two upper-case letters that
 * libphonenumber has numbering metadata for. The library's list is the ISO list of places
 * with a telephone service (plus `XK`, Kosovo's user-assigned code, and `AC`/`TA`, which have
 * their own numbering plans); it is kept up to date with the library, not by hand here.
 * Lower case (`us`), three letters (`USA`) and unknown codes (`XX`) are refused, not fixed up.
 */
export function isIsoCountry(code: unknown): code is CountryCode {
  return typeof code === 'string' && ALPHA_2.test(code) && isSupportedCountry(code);
}
