import { ZONE_A_COUNTRIES } from '@comms-credits/telephony';
import { loadRateCard, validateRateCard } from './rate-card.loader';

describe('rate card', () => {
  const card = loadRateCard();

  it('ships a valid card with the 60/60 increment in the wallet currency', () => {
    expect(card).toMatchObject({ version: '2026-11', currency: 'USD', effectiveFrom: '2026-11-01T00:00:00.000Z', increment: { first: 60, next: 60 } });
  });

  it('prices dial-out to all 44 Zone A countries and at least a dozen others', () => {
    const countries = card.dialOut.map((r) => r.country);
    expect(ZONE_A_COUNTRIES.filter((c) => !countries.includes(c))).toEqual([]);
    expect(countries.filter((c) => !ZONE_A_COUNTRIES.includes(c)).length).toBeGreaterThanOrEqual(12);
    expect(countries).toEqual(expect.arrayContaining(['EG', 'AR', 'NG', 'PK', 'VN', 'UA', 'TR', 'SA', 'AE', 'KE', 'CO', 'PE']));
  });

  it('prices toll-free inbound for the main toll-free countries', () => {
    expect(card.tollFreeInbound.map((r) => r.country)).toEqual(
      expect.arrayContaining(['US', 'CA', 'GB', 'FR', 'DE', 'AU', 'NL', 'IE', 'ES', 'IT', 'JP', 'BR']),
    );
  });

  it('refuses a bad card with every problem named', () => {
    const bad = {
      ...card,
      currency: 'XXX',
      increment: { first: 0, next: 60 },
      dialOut: [{ country: 'fr', perMinute: 0.03, connectionFee: '0', perMinut: '1' }],
    };
    expect(() => validateRateCard(bad, 'bad.json')).toThrow(/rate card bad\.json is invalid/);
    let message = '';
    try {
      validateRateCard(bad, 'bad.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('currency');
    expect(message).toContain('increment.first');
    expect(message).toContain('dialOut.0.country');
    expect(message).toContain('dialOut.0.perMinute');
    expect(message).toContain('dialOut.0.perMinut');
  });

  it('refuses two rates for one country', () => {
    const twice = { ...card, dialOut: [...card.dialOut, { country: 'FR', perMinute: '0.01', connectionFee: '0' }] };
    expect(() => validateRateCard(twice, 'twice.json')).toThrow('dialOut: FR has more than one rate');
  });

  it('says when the file named by WALLET_RATE_CARD cannot be read', () => {
    expect(() => loadRateCard('/nonexistent/rates.json')).toThrow(/rate card \/nonexistent\/rates\.json cannot be read/);
  });
});
