import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { TOLL_FREE_COUNTRIES } from '@comms-credits/toll-free';
import { GeneratorInputs } from './rate-card.generator';

/**
 * The generator's inputs as the repository has them today: libphonenumber's regions (the
 * metadata telephony validates numbers with) and the toll-free service's sample inventory.
 */
export function sampleInputs(): GeneratorInputs {
  return {
    regions: getCountries().map((country) => ({ country, callingCode: getCountryCallingCode(country) })),
    tollFreeCountries: TOLL_FREE_COUNTRIES,
  };
}
