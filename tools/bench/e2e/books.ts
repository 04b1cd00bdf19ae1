/**
 * The books the run should leave, computed here independently of the services from the
 * decisions received, the durations reported and GET /rates (domain.md): a pool call debits
 * its whole minutes (billable = reported seconds capped at the grant); a credits call is
 * charged billed minutes × rate + connection fee, rounded half-up to the cent once; a
 * continuation (pool with split) charges the minutes beyond the pool's, without the fee.
 */
import { Api, PoolView, WalletView } from './api';

export interface RateCard {
  version: string;
  currency: string;
  increment: { first: number; next: number };
  dialOut: { country: string; perMinute: string; connectionFee: string }[];
}

export interface Decision {
  type: 'CallAdmitted' | 'CallRejected';
  funding?: string;
  maxDurationSeconds?: number | null;
  split?: { poolSeconds: number; creditSeconds: number } | null;
  reason?: string;
  decidedBy?: string;
}

export interface SettledCall {
  tenantId: string;
  month: string;
  destinationCountry: string;
  durationSeconds: number;
  decision: Decision;
}

/** Micro-units (1e-6) of a decimal string. */
function micros(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 1_000_000n + BigInt((fraction + '000000').slice(0, 6));
}

function billedSeconds(seconds: number, increment: { first: number; next: number }): number {
  if (seconds <= 0) return 0;
  if (seconds <= increment.first) return increment.first;
  return increment.first + Math.ceil((seconds - increment.first) / increment.next) * increment.next;
}

/** Cents of (seconds/60 × perMinute + fee), rounded half-up once. */
function chargeCents(seconds: bigint, perMinute: string, fee: string): bigint {
  // In units of 1e-6/60 dollars, so nothing is divided before the one rounding.
  const value = micros(perMinute) * seconds + micros(fee) * 60n;
  const unitsPerCent = 60n * 10_000n;
  return (value + unitsPerCent / 2n) / unitsPerCent;
}

export class ExpectedBooks {
  /** pool minutes per tenant and month */
  readonly poolMinutes = new Map<string, number>();
  /** cents charged per tenant */
  readonly chargedCents = new Map<string, bigint>();
  readonly fundings = new Map<string, number>();
  private readonly rates = new Map<string, { perMinute: string; connectionFee: string }>();

  constructor(private readonly card: RateCard) {
    for (const rate of card.dialOut) this.rates.set(rate.country, rate);
  }

  add(call: SettledCall): void {
    const d = call.decision;
    const key = d.type === 'CallRejected' ? `rejected ${d.reason}` : `${d.funding}${d.split ? ' (split)' : ''}`;
    this.fundings.set(key, (this.fundings.get(key) ?? 0) + 1);
    if (d.type !== 'CallAdmitted') return;
    const grant = d.maxDurationSeconds ?? Infinity;
    const billable = Math.min(call.durationSeconds, grant);
    const rate = this.rates.get(call.destinationCountry);
    if (d.funding === 'pool') {
      const reservedMinutes = d.split ? Math.floor(d.split.poolSeconds / 60) : Math.floor(grant / 60);
      const wholeMinutes = Math.ceil(billable / 60);
      const pool = Math.min(wholeMinutes, reservedMinutes);
      this.addPool(call.tenantId, call.month, pool);
      if (d.split) {
        const total = Math.ceil(billedSeconds(billable, this.card.increment) / 60);
        const credits = Math.max(0, total - pool);
        if (!rate) throw new Error(`no rate for ${call.destinationCountry}`);
        this.addCharge(call.tenantId, chargeCents(BigInt(credits * 60), rate.perMinute, '0'));
      }
    } else if (d.funding === 'credits') {
      if (!rate) throw new Error(`no rate for ${call.destinationCountry}`);
      this.addCharge(call.tenantId, chargeCents(BigInt(billedSeconds(billable, this.card.increment)), rate.perMinute, rate.connectionFee));
    }
  }

  private addPool(tenantId: string, month: string, minutes: number): void {
    const key = `${tenantId} ${month}`;
    this.poolMinutes.set(key, (this.poolMinutes.get(key) ?? 0) + minutes);
  }

  private addCharge(tenantId: string, cents: bigint): void {
    this.chargedCents.set(tenantId, (this.chargedCents.get(tenantId) ?? 0n) + cents);
  }
}

export function cents(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  const sign = whole!.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole!.replace('-', '')) * 100n + BigInt((fraction + '00').slice(0, 2)));
}

export interface BooksCheck {
  ok: boolean;
  tenants: number;
  poolMismatches: string[];
  walletMismatches: string[];
  expectedPoolMinutes: number;
  actualPoolMinutes: number;
  expectedChargedCents: bigint;
  actualChargedCents: bigint;
  reservedMinutes: number;
  heldCents: bigint;
}

/** Reads every tenant's pool and wallet and compares them with the expected books. */
export async function checkBooks(api: Api, expected: ExpectedBooks, tenants: string[], months: string[], fundedCents: bigint): Promise<BooksCheck> {
  const check: BooksCheck = {
    ok: true,
    tenants: tenants.length,
    poolMismatches: [],
    walletMismatches: [],
    expectedPoolMinutes: 0,
    actualPoolMinutes: 0,
    expectedChargedCents: 0n,
    actualChargedCents: 0n,
    reservedMinutes: 0,
    heldCents: 0n,
  };
  await Promise.all(
    tenants.map(async (tenantId) => {
      for (const month of months) {
        const pool = await api.call<PoolView>('pool-ledger', 'GET', `/tenants/${tenantId}/pool?month=${month}`);
        const want = expected.poolMinutes.get(`${tenantId} ${month}`) ?? 0;
        check.expectedPoolMinutes += want;
        check.actualPoolMinutes += pool.usedMinutes;
        check.reservedMinutes += pool.reservedMinutes ?? 0;
        if (pool.usedMinutes !== want || (pool.reservedMinutes ?? 0) !== 0) {
          check.poolMismatches.push(`${tenantId} ${month}: used ${pool.usedMinutes} (expected ${want}), reserved ${pool.reservedMinutes}`);
        }
      }
      const wallet = await api.call<WalletView>('credit-wallet', 'GET', `/tenants/${tenantId}/wallet`);
      const charged = fundedCents - cents(wallet.balance.amount) + cents(wallet.owed?.amount ?? '0');
      const want = expected.chargedCents.get(tenantId) ?? 0n;
      check.expectedChargedCents += want;
      check.actualChargedCents += charged;
      check.heldCents += cents(wallet.held.amount);
      if (charged !== want || cents(wallet.held.amount) !== 0n) {
        check.walletMismatches.push(`${tenantId}: charged ${fmtCents(charged)} (expected ${fmtCents(want)}), held ${wallet.held.amount}`);
      }
    }),
  );
  check.ok = check.poolMismatches.length === 0 && check.walletMismatches.length === 0;
  return check;
}

export function fmtCents(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
