import { CountryCode } from './country-code';

/**
 * The 44 Zone A countries and regions of Microsoft's audio conferencing zones (domain.md;
 * https://learn.microsoft.com/en-us/microsoftteams/audio-conferencing-zones). Meeting dial-out
 * to these draws on the pooled minutes; a `ZoneA` CPC policy allows dial-out only to these.
 * Listed in domain.md's order.
 */
export const ZONE_A_COUNTRIES: readonly CountryCode[] = Object.freeze([
  'AU',
  'AT',
  'BE',
  'BR',
  'BG',
  'CA',
  'CN',
  'HR',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HK',
  'HU',
  'IN',
  'IE',
  'IT',
  'JP',
  'LU',
  'MY',
  'MX',
  'NL',
  'NZ',
  'NO',
  'PL',
  'PT',
  'PR',
  'RO',
  'RU',
  'SG',
  'SK',
  'SI',
  'ZA',
  'KR',
  'ES',
  'SE',
  'CH',
  'TW',
  'TH',
  'GB',
  'US',
]);

const zoneA: ReadonlySet<CountryCode> = new Set(ZONE_A_COUNTRIES);

export function isZoneA(country: CountryCode): boolean {
  return zoneA.has(country);
}
