import { countryOfNumber, isTollFreeNumber } from '@comms-credits/telephony';
import { SAMPLE_INVENTORY, TOLL_FREE_COUNTRIES } from './sample-inventory';

/**
 * NANP toll-free codes (800, 833, …) are shared by the US and Canada, and libphonenumber files
 * them under the US, the plan's main country: a Canadian toll-free number reads as US there.
 */
const NUMBERING_COUNTRY: Record<string, string> = { CA: 'US' };

describe('sample toll-free inventory', () => {
  const all = Object.values(SAMPLE_INVENTORY).flat();

  it('covers the countries of the issue, with enough US numbers to test quotas', () => {
    expect(TOLL_FREE_COUNTRIES).toEqual(expect.arrayContaining(['US', 'CA', 'GB', 'FR', 'DE', 'AU', 'NL', 'IE']));
    expect(SAMPLE_INVENTORY['US']!.length).toBeGreaterThanOrEqual(30);
    expect(SAMPLE_INVENTORY['US']).toContain('+18005550100');
  });

  it.each(Object.entries(SAMPLE_INVENTORY))('stocks in %s only valid toll-free numbers of that country', (country, numbers) => {
    expect(numbers.length).toBeGreaterThan(0);
    for (const number of numbers) {
      expect({ number, tollFree: isTollFreeNumber(number) }).toEqual({ number, tollFree: true });
      expect(countryOfNumber(number)).toEqual({ ok: true, value: NUMBERING_COUNTRY[country] ?? country });
    }
  });

  it('lists every number once, in one country only', () => {
    expect(new Set(all).size).toBe(all.length);
  });
});
