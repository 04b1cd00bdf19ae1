import { SHORT_CODE } from '@comms-credits/contracts';
import { PhoneNumberUtil, RegionCode, ShortNumberInfo } from 'google-libphonenumber';
import { CountryCode, isIsoCountry } from './country-code';

const shortNumbers = ShortNumberInfo.getInstance();
/** Every region the library has metadata for, alphabetical (all of them are {@link CountryCode}s). */
const regions: readonly CountryCode[] = Object.freeze([...PhoneNumberUtil.getInstance().getSupportedRegions()].filter(isIsoCountry).sort());

/**
 * Whether `dialled` is an emergency number of the caller's usage location (911 in the US,
 * 112 and 999 in GB, 000 in AU, 110 and 119 in JP…). Emergency calls pass a PSTN control
 * even when it is `Disabled` (domain.md).
 *
 * The codes come from Google's libphonenumber short-number metadata
 * (`ShortNumberInfo.isEmergencyNumber`), kept up to date with the library rather than in a
 * hand-written table. The match is exact: `9111` is not 911.
 *
 * Only the digits as dialled count (design.md: an emergency short code is sent as dialled and
 * judged against the caller's usage location), in the contract's short-code shape. The library
 * alone is lenient (`9-1-1`, ` 911` and even `911abc` pass it); a policy gate should not be, so
 * anything but plain digits is not an emergency number. An E.164 form such as `+1911` is not
 * one either: libphonenumber says a number with a leading `+` never is, and we follow it.
 * A usage location that is not a {@link CountryCode} (`XX`, and `us`, which the library would
 * quietly upper-case) has no emergency numbers, so bad input is never mistaken for one.
 */
export function isEmergencyNumber(dialled: string, usageLocation: CountryCode): boolean {
  if (!SHORT_CODE.test(dialled) || !isIsoCountry(usageLocation)) return false;
  // Both libraries follow the same metadata; a code libphonenumber-js supports is a region here.
  return shortNumbers.isEmergencyNumber(dialled, usageLocation as RegionCode);
}

/**
 * The countries where `dialled` is an emergency number, in alphabetical order; none when it is
 * not one anywhere (or not a short code at all). For an emergency short code whose caller's
 * usage location is not known yet: domain.md accepts it if it is an emergency number in the
 * tenant's countries or, failing that, in any country, and this is the "any country" list.
 * The same exact match as {@link isEmergencyNumber}, country by country (about 0.5 ms a call).
 */
export function emergencyCountriesOf(dialled: string): readonly CountryCode[] {
  if (!SHORT_CODE.test(dialled)) return [];
  return regions.filter((region) => shortNumbers.isEmergencyNumber(dialled, region as RegionCode));
}
