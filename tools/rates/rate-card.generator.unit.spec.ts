import { readFileSync } from 'node:fs';
import { getCountries } from 'libphonenumber-js/max';
import { TOLL_FREE_COUNTRIES } from '@comms-credits/toll-free';
import { CARD_FILE, COVERAGE_FILE } from './generate-rate-card';
import { HAND_PICKED_DIAL_OUT, HAND_PICKED_TOLL_FREE, SampleRate, coverageOf, generateRateCard, jsonFileText } from './rate-card.generator';
import { sampleInputs } from './sample-inputs';

const countriesOf = (rates: SampleRate[]) => rates.map((r) => r.country);

describe('sample rate card generator', () => {
  const card = generateRateCard(sampleInputs());

  it('is what is checked in, byte for byte (else: npm run rates:generate)', () => {
    expect(readFileSync(CARD_FILE, 'utf8')).toBe(jsonFileText(card));
    expect(readFileSync(COVERAGE_FILE, 'utf8')).toBe(jsonFileText(coverageOf(sampleInputs())));
  });

  it('gives the same card every time', () => {
    expect(jsonFileText(generateRateCard(sampleInputs()))).toBe(jsonFileText(card));
  });

  it('prices dial-out to every region libphonenumber knows, once each, in order', () => {
    expect(countriesOf(card.dialOut)).toEqual([...getCountries()].sort());
    expect(card.dialOut.length).toBeGreaterThanOrEqual(240);
  });

  it('prices toll-free inbound in every country the toll-free service stocks', () => {
    expect(countriesOf(card.tollFreeInbound)).toEqual(expect.arrayContaining([...TOLL_FREE_COUNTRIES]));
    expect(coverageOf(sampleInputs()).tollFreeInbound).toEqual([...TOLL_FREE_COUNTRIES].sort());
  });

  it('keeps the hand-written figures of the first card', () => {
    expect(Object.keys(HAND_PICKED_DIAL_OUT)).toHaveLength(58);
    expect(Object.keys(HAND_PICKED_TOLL_FREE)).toHaveLength(14);
    expect(card.dialOut).toEqual(
      expect.arrayContaining(Object.entries(HAND_PICKED_DIAL_OUT).map(([country, [perMinute, connectionFee]]) => ({ country, perMinute, connectionFee }))),
    );
    expect(card.dialOut).toContainEqual({ country: 'FR', perMinute: '0.0349', connectionFee: '0.0125' });
    expect(card.tollFreeInbound).toContainEqual({ country: 'US', perMinute: '0.0193', connectionFee: '0.0000' });
  });

  it('derives the others from their calling code: positive 4-decimal figures near their bucket', () => {
    for (const rate of [...card.dialOut, ...card.tollFreeInbound]) {
      expect(rate.perMinute).toMatch(/^\d+\.\d{4}$/);
      expect(rate.connectionFee).toMatch(/^\d+\.\d{4}$/);
      expect(Number(rate.perMinute)).toBeGreaterThan(0);
    }
    const dialOut = (country: string) => card.dialOut.find((r) => r.country === country)!;
    // Afghanistan (+93): South and West Asia, 0.1690 ± 15 %, with its 0.0250 connection fee
    expect(Number(dialOut('AF').perMinute)).toBeGreaterThanOrEqual(0.1436);
    expect(Number(dialOut('AF').perMinute)).toBeLessThanOrEqual(0.1944);
    expect(dialOut('AF').connectionFee).toBe('0.0250');
    // Fiji (+679): the Pacific islands' bucket, not South-East Asia's
    expect(Number(dialOut('FJ').perMinute)).toBeGreaterThan(0.5);
    // Regions sharing a calling code with a hand-picked country are priced on their own: Jersey (+44)
    expect(dialOut('JE').perMinute).not.toBe(dialOut('GB').perMinute);
  });

  it('derives a toll-free rate for a stocked country that has no hand-written one', () => {
    const { regions } = sampleInputs();
    expect(generateRateCard({ regions, tollFreeCountries: ['KE'] }).tollFreeInbound.find((r) => r.country === 'KE')).toMatchObject({ connectionFee: '0.0000' });
    expect(() => generateRateCard({ regions, tollFreeCountries: ['QQ'] })).toThrow('QQ is not a region libphonenumber knows');
  });
});
