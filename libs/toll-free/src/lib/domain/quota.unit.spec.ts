import { licencesCounted, tollFreeQuota } from './quota';

describe('toll-free quota', () => {
  // Every boundary of the table in domain.md: the last count of a tier and the first of the next.
  it.each([
    [0, 0],
    [1, 5],
    [25, 5],
    [26, 10],
    [49, 10],
    [50, 20],
    [99, 20],
    [100, 30],
    [149, 30],
    [150, 40],
    [199, 40],
    [200, 65],
    [499, 65],
    [500, 90],
    [749, 90],
    [750, 110],
    [999, 110],
    [1000, 125],
    [1249, 125],
    [1250, 135],
    [1499, 135],
    [1500, 160],
    [1999, 160],
    [2000, 210],
    [2999, 210],
    [3000, 420],
    [6999, 420],
    [7000, 500],
    [9999, 500],
    [10000, 600],
    [14999, 600],
    [15000, 700],
    [19999, 700],
    [20000, 1000],
    [49999, 1000],
    [50000, 1500],
    [1_000_000, 1500],
  ])('%i licences allow %i numbers', (licences, numbers) => {
    expect(tollFreeQuota(licences)).toBe(numbers);
  });

  it('counts the purchased seats of Phone System and every Audio Conferencing SKU, E5 once', () => {
    expect(
      licencesCounted({
        OFFICE_365_E5: 10,
        PHONE_SYSTEM: 3,
        AUDIO_CONFERENCING: 4,
        AUDIO_CONFERENCING_PPM: 2,
        AUDIO_CONFERENCING_SELECT_DIAL_OUT: 1,
        COMMUNICATIONS_CREDITS: 100,
        DOMESTIC_CALLING_PLAN: 7,
        INTERNATIONAL_CALLING_PLAN: 7,
      }),
    ).toBe(20);
    expect(licencesCounted({})).toBe(0);
  });
});
