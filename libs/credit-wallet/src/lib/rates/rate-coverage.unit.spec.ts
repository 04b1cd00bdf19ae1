import { getCountries } from 'libphonenumber-js/max';
import { missingCountries, rateProblems } from '../domain/rate-card.publication';
import { loadRateCard } from './rate-card.loader';
import { RATE_COVERAGE } from './rate-coverage';

describe('rate coverage', () => {
  it('asks a dial-out rate for every region libphonenumber knows', () => {
    expect([...RATE_COVERAGE.dialOut].sort()).toEqual([...getCountries()].sort());
  });

  it('is met by the bundled card, whose figures pass the publication rules', () => {
    const card = loadRateCard();
    expect(missingCountries(card, RATE_COVERAGE)).toEqual({ dialOut: [], tollFreeInbound: [] });
    expect(rateProblems(card, RATE_COVERAGE)).toEqual([]);
    // Calls there were refused NO_RATE_FOR_DESTINATION before the card was generated.
    expect(card.dialOut.map((r) => r.country)).toEqual(expect.arrayContaining(['AF', 'XK', 'AC', 'TA', 'FJ', 'CU']));
  });
});
