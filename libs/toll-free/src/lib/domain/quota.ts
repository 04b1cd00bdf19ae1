import { Sku } from '@comms-credits/contracts';

/**
 * The SKUs whose purchased seats count towards the toll-free quota (domain.md: "Phone System +
 * Audio Conferencing licences"). E5 bundles both and counts once; each Audio Conferencing
 * variant (pay-per-minute, Select Dial Out) is an Audio Conferencing licence. Calling plans and
 * Communications Credits grant neither, so they count for nothing.
 */
export const QUOTA_SKUS: readonly Sku[] = [
  'OFFICE_365_E5',
  'PHONE_SYSTEM',
  'AUDIO_CONFERENCING',
  'AUDIO_CONFERENCING_PPM',
  'AUDIO_CONFERENCING_SELECT_DIAL_OUT',
];

export function countsTowardsQuota(sku: Sku): boolean {
  return QUOTA_SKUS.includes(sku);
}

/** Purchased seats per SKU, as licensing last announced them. */
export type Seats = Partial<Record<Sku, number>>;

/** The licences the quota table is read with: the purchased seats of every counted SKU. */
export function licencesCounted(seats: Seats): number {
  return QUOTA_SKUS.reduce((sum, sku) => sum + (seats[sku] ?? 0), 0);
}

/**
 * The quota table of domain.md as (lowest licence count of the tier, numbers allowed), highest
 * tier first. Fewer than one licence allows no number.
 */
const TIERS: readonly (readonly [fromLicences: number, numbers: number])[] = [
  [50_000, 1500],
  [20_000, 1000],
  [15_000, 700],
  [10_000, 600],
  [7_000, 500],
  [3_000, 420],
  [2_000, 210],
  [1_500, 160],
  [1_250, 135],
  [1_000, 125],
  [750, 110],
  [500, 90],
  [200, 65],
  [150, 40],
  [100, 30],
  [50, 20],
  [26, 10],
  [1, 5],
];

/** How many toll-free numbers a tenant with `licences` Phone System + Audio Conferencing licences may hold. */
export function tollFreeQuota(licences: number): number {
  return TIERS.find(([from]) => licences >= from)?.[1] ?? 0;
}
