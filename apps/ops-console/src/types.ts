import type { Money, PoolFigures, TollFreeFigures, WalletFigures } from '@comms-credits/ops-console-model';

export type { UsageRow } from '@comms-credits/contracts/responses';

export type Pool = PoolFigures;
export type Wallet = WalletFigures & {
  tenantId: string;
  currency: string;
  held: Money;
  autoRecharge: WalletFigures['autoRecharge'] & { rechargeAmount: Money | null };
};

export interface Transaction {
  id: string;
  sequence: number;
  type: string;
  occurredAt: string;
  amount: Money;
  held: Money;
  balanceAfter: Money | null;
  callId: string | null;
  rate: Record<string, unknown> | null;
  lots: { lotId: string; amount: Money }[];
  details: Record<string, unknown>;
}

export interface TransactionPage {
  items: Transaction[];
  nextCursor: string | null;
}

export interface TollFreeNumber extends TollFreeFigures {
  country: string;
  assignment: { target: string; targetId: string } | null;
  acquiredAt: string;
  month: string;
  minutes: number;
}

export interface Quota {
  licences: number;
  quota: number;
  numbersHeld: number;
  numbersAvailable: number;
}

export interface Subscription {
  sku: string;
  seats: number;
  assigned: number;
  available: number | null;
}

export interface User {
  userId: string;
  usageLocation: string | null;
  displayName: string | null;
  licenses: string[];
}

export interface EffectivePolicy {
  policyName: string;
  source: 'user' | 'global';
  cpc: string;
  pstn: string;
}

/** A row of reporting's operator-only `GET /tenants` (the tenant directory). */
export interface TenantEntry {
  tenantId: string;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  pool: { month: string; capacityMinutes: number | null; usedMinutes: number; reservedMinutes: number; usedPercent: string | null };
  balance: Money | null;
  owed: Money | null;
  billingSetUp: boolean | null;
  alerts: { code: string; level: 'red' | 'yellow' | 'blue'; text: string }[];
  callsToday: number;
}

export interface DirectoryPage {
  items: TenantEntry[];
  nextCursor: string | null;
  month: string;
  day: string;
}

export const SKUS = [
  'OFFICE_365_E5',
  'AUDIO_CONFERENCING',
  'AUDIO_CONFERENCING_PPM',
  'AUDIO_CONFERENCING_SELECT_DIAL_OUT',
  'COMMUNICATIONS_CREDITS',
  'PHONE_SYSTEM',
  'DOMESTIC_CALLING_PLAN',
  'INTERNATIONAL_CALLING_PLAN',
] as const;
