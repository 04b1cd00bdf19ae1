import Decimal from 'decimal.js';

/**
 * The SAMPLE rate card of the credit wallet, generated: figures for development and tests, not
 * anyone's tariff (docs/credit-wallet.md, "Rate card"). The 58 dial-out and 14 toll-free
 * figures first written by hand are kept as they were; every other region libphonenumber knows
 * gets a figure derived from its E.164 calling code: a bucket per world numbering zone (or a
 * narrower prefix where the zone mixes very different places), moved by a fixed amount of up to
 * ±15 % taken from a hash of the region code, so neighbours do not all cost the same. No clock
 * and no randomness: the same inputs always give the same card, byte for byte.
 */

export interface SampleRate {
  country: string;
  perMinute: string;
  connectionFee: string;
}

/** The card as the wallet serves it at `GET /rates` (the wallet's `RateCard`). */
export interface SampleRateCard {
  version: string;
  currency: 'USD';
  effectiveFrom: string;
  increment: { first: number; next: number };
  dialOut: SampleRate[];
  tollFreeInbound: SampleRate[];
}

/** What the card is generated from: libphonenumber's regions and the toll-free countries stocked. */
export interface GeneratorInputs {
  /** ISO 3166-1 alpha-2 region (plus AC, TA, XK) → its E.164 calling code, without `+`. */
  regions: ReadonlyArray<{ country: string; callingCode: string }>;
  /** The countries the toll-free service stocks numbers of (its sample inventory). */
  tollFreeCountries: readonly string[];
}

/** The first version of the card: the one the service ships with. */
export const FIRST_VERSION = { version: '2026-11', effectiveFrom: '2026-11-01T00:00:00.000Z' } as const;

type Figures = readonly [perMinute: string, connectionFee: string];

/** The hand-written figures of the first card (58 dial-out countries), kept unchanged. */
export const HAND_PICKED_DIAL_OUT: Readonly<Record<string, Figures>> = {
  AE: ['0.2233', '0.1000'],
  AR: ['0.1235', '0.0000'],
  AT: ['0.0375', '0.0000'],
  AU: ['0.0376', '0.0000'],
  BE: ['0.0362', '0.0000'],
  BG: ['0.0539', '0.0000'],
  BR: ['0.0547', '0.0150'],
  CA: ['0.0125', '0.0000'],
  CH: ['0.0446', '0.0000'],
  CN: ['0.0389', '0.0000'],
  CO: ['0.0857', '0.0000'],
  CZ: ['0.0427', '0.0000'],
  DE: ['0.0297', '0.0000'],
  DK: ['0.0342', '0.0000'],
  EE: ['0.0525', '0.0000'],
  EG: ['0.2417', '0.0500'],
  ES: ['0.0305', '0.0000'],
  FI: ['0.0399', '0.0000'],
  FR: ['0.0349', '0.0125'],
  GB: ['0.0223', '0.0000'],
  GR: ['0.0468', '0.0000'],
  HK: ['0.0291', '0.0000'],
  HR: ['0.0497', '0.0000'],
  HU: ['0.0433', '0.0000'],
  IE: ['0.0289', '0.0000'],
  IL: ['0.0734', '0.0000'],
  IN: ['0.0488', '0.0100'],
  IT: ['0.0331', '0.0000'],
  JP: ['0.0561', '0.0000'],
  KE: ['0.1879', '0.0500'],
  KR: ['0.0394', '0.0000'],
  LU: ['0.0418', '0.0000'],
  MX: ['0.0419', '0.0100'],
  MY: ['0.0457', '0.0000'],
  NG: ['0.2189', '0.1000'],
  NL: ['0.0313', '0.0000'],
  NO: ['0.0354', '0.0000'],
  NZ: ['0.0402', '0.0000'],
  PE: ['0.0916', '0.0000'],
  PH: ['0.2105', '0.0000'],
  PK: ['0.1671', '0.0000'],
  PL: ['0.0412', '0.0000'],
  PR: ['0.0349', '0.0000'],
  PT: ['0.0387', '0.0000'],
  RO: ['0.0511', '0.0000'],
  RU: ['0.0789', '0.0250'],
  SA: ['0.1746', '0.0500'],
  SE: ['0.0318', '0.0000'],
  SG: ['0.0265', '0.0000'],
  SI: ['0.0476', '0.0000'],
  SK: ['0.0458', '0.0000'],
  TH: ['0.0613', '0.0000'],
  TR: ['0.0968', '0.0000'],
  TW: ['0.0503', '0.0000'],
  UA: ['0.1954', '0.0000'],
  US: ['0.0125', '0.0000'],
  VN: ['0.1382', '0.0000'],
  ZA: ['0.0694', '0.0150'],
};

/** The hand-written toll-free inbound figures of the first card (14 countries), kept unchanged. */
export const HAND_PICKED_TOLL_FREE: Readonly<Record<string, Figures>> = {
  AU: ['0.0647', '0.0000'],
  BR: ['0.0926', '0.0000'],
  CA: ['0.0211', '0.0000'],
  CH: ['0.0879', '0.0000'],
  DE: ['0.0598', '0.0000'],
  ES: ['0.0502', '0.0000'],
  FR: ['0.0517', '0.0200'],
  GB: ['0.0462', '0.0000'],
  IE: ['0.0571', '0.0000'],
  IT: ['0.0544', '0.0000'],
  JP: ['0.1127', '0.0500'],
  NL: ['0.0583', '0.0000'],
  SE: ['0.0611', '0.0000'],
  US: ['0.0193', '0.0000'],
};

/**
 * Dial-out buckets by calling-code prefix; the longest matching prefix wins. The first digit is
 * the ITU world numbering zone; narrower prefixes split zones whose places cost very differently
 * (Pacific islands, the remote Atlantic, North Korea).
 */
export const DIAL_OUT_BUCKETS: Readonly<Record<string, Figures>> = {
  '1': ['0.1650', '0.0000'], // NANP members other than US, CA, PR: the Caribbean and US territories
  '2': ['0.2450', '0.0500'], // Africa
  '21': ['0.1890', '0.0250'], // North Africa
  '29': ['0.3150', '0.0500'], // remote Atlantic and Arctic: SH, TA, ER, AW, FO, GL
  '3': ['0.0590', '0.0000'], // Europe
  '35': ['0.0890', '0.0000'], // smaller European networks: GI, IS, AL, MT, CY, AX…
  '37': ['0.0890', '0.0000'], // Baltics, the Caucasus, micro-states: LT, LV, MD, AM, BY, AD, MC, SM
  '38': ['0.0990', '0.0000'], // former Yugoslavia and Kosovo
  '4': ['0.0590', '0.0000'], // Europe
  '5': ['0.1290', '0.0100'], // South America
  '50': ['0.1790', '0.0150'], // Central America, FK, PM, HT
  '59': ['0.1590', '0.0150'], // the rest of South America and the French Caribbean
  '6': ['0.0990', '0.0000'], // South-East Asia and Oceania
  '67': ['0.6450', '0.1000'], // Pacific islands, East Timor, Norfolk Island, Brunei
  '68': ['0.6450', '0.1000'], // Pacific islands
  '69': ['0.6450', '0.1000'], // Pacific islands
  '7': ['0.0890', '0.0250'], // Russia and Kazakhstan
  '8': ['0.0790', '0.0000'], // East Asia
  '85': ['0.1450', '0.0250'], // Macao, Cambodia, Laos
  '850': ['0.9900', '0.2500'], // North Korea: deliberately expensive
  '88': ['0.0890', '0.0000'], // Bangladesh
  '9': ['0.1690', '0.0250'], // South and West Asia
  '96': ['0.1890', '0.0500'], // Middle East
  '97': ['0.1890', '0.0500'], // Middle East, Bhutan, Mongolia, Nepal
  '99': ['0.2190', '0.0250'], // Central Asia and the Caucasus
};

/** Toll-free inbound for a stocked country without a hand-written figure, by numbering zone. */
export const TOLL_FREE_BUCKETS: Readonly<Record<string, Figures>> = {
  '1': ['0.0250', '0.0000'],
  '2': ['0.1450', '0.0000'],
  '3': ['0.0550', '0.0000'],
  '4': ['0.0550', '0.0000'],
  '5': ['0.0950', '0.0000'],
  '6': ['0.0750', '0.0000'],
  '7': ['0.0850', '0.0000'],
  '8': ['0.0950', '0.0000'],
  '9': ['0.1250', '0.0000'],
};

/** Derived figures move by up to this share of their bucket, either way. */
const SPREAD = new Decimal('0.15');
const DECIMALS = 4;

export function generateRateCard(inputs: GeneratorInputs): SampleRateCard {
  const callingCodes = new Map(inputs.regions.map((r) => [r.country, r.callingCode]));
  const codeOf = (country: string) => {
    const code = callingCodes.get(country);
    if (code === undefined) throw new Error(`${country} is not a region libphonenumber knows`);
    return code;
  };
  const dialOut = [...callingCodes.keys()].map((country) =>
    rate(country, HAND_PICKED_DIAL_OUT[country] ?? derived(country, codeOf(country), DIAL_OUT_BUCKETS)),
  );
  const tollFreeCountries = new Set([...Object.keys(HAND_PICKED_TOLL_FREE), ...inputs.tollFreeCountries]);
  const tollFreeInbound = [...tollFreeCountries].map((country) =>
    rate(country, HAND_PICKED_TOLL_FREE[country] ?? derived(country, codeOf(country), TOLL_FREE_BUCKETS)),
  );
  return {
    ...FIRST_VERSION,
    currency: 'USD',
    increment: { first: 60, next: 60 },
    dialOut: byCountry(dialOut),
    tollFreeInbound: byCountry(tollFreeInbound),
  };
}

/**
 * What every rate card must price, for the wallet's check of a published card: a dial-out rate
 * for each region libphonenumber knows, a toll-free rate for each country with stocked numbers.
 */
export interface RateCoverage {
  $comment: string;
  dialOut: string[];
  tollFreeInbound: string[];
}

export function coverageOf(inputs: GeneratorInputs): RateCoverage {
  return {
    $comment:
      'GENERATED by `npm run rates:generate` (tools/rates): the countries every rate card must price. dialOut: every region of libphonenumber-js; tollFreeInbound: the countries of the toll-free sample inventory.',
    dialOut: sorted(inputs.regions.map((r) => r.country)),
    tollFreeInbound: sorted(inputs.tollFreeCountries),
  };
}

/** A file's text: two-space JSON and a final newline, as checked in. */
export const jsonFileText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const sorted = (countries: readonly string[]) => [...new Set(countries)].sort();

const rate = (country: string, [perMinute, connectionFee]: Figures): SampleRate => ({ country, perMinute, connectionFee });

const byCountry = (rates: SampleRate[]) => rates.sort((a, b) => (a.country < b.country ? -1 : a.country > b.country ? 1 : 0));

/** The bucket's figures, the per-minute one moved by the region's fixed spread. */
function derived(country: string, callingCode: string, buckets: Readonly<Record<string, Figures>>): Figures {
  const bucket = bucketOf(callingCode, buckets);
  if (!bucket) throw new Error(`no bucket prices calling code +${callingCode} (${country})`);
  const perMinute = new Decimal(bucket[0]).times(Decimal.add(1, spreadOf(country))).toDecimalPlaces(DECIMALS, Decimal.ROUND_HALF_UP);
  return [perMinute.toFixed(DECIMALS), bucket[1]];
}

function bucketOf(callingCode: string, buckets: Readonly<Record<string, Figures>>): Figures | undefined {
  for (let length = callingCode.length; length > 0; length--) {
    const bucket = buckets[callingCode.slice(0, length)];
    if (bucket) return bucket;
  }
  return undefined;
}

/** A share in [−SPREAD, +SPREAD] in steps of 0.1 %, fixed per region (FNV-1a of its code). */
function spreadOf(country: string): Decimal {
  const steps = SPREAD.times(1000).toNumber();
  return new Decimal((fnv1a(country) % (2 * steps + 1)) - steps).dividedBy(1000);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
