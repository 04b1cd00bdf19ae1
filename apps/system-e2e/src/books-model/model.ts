/**
 * A reference model of one tenant's books for one calendar month: the dial-out minute pool and
 * the credit wallet, written from `shared/domain.md` (and the contract of `shared/design.md`),
 * not from the services' code. It is deliberately small and slow-but-obvious: integer cents
 * (bigint), whole minutes, one tenant, one month, meeting dial-out (`conf_out`) only.
 *
 * The model takes the inputs the system takes (seats, licence assignments, funds, auto-recharge
 * settings, calls started and ended, repeats) in one order and says what the books must be
 * after each: pool used/reserved minutes, wallet balance, held and owed, and each call's
 * admission decision. Where domain.md leaves a choice to the product, the choice is documented
 * next to the rule (search for "Reading:").
 */

export type Sku = 'OFFICE_365_E5' | 'AUDIO_CONFERENCING' | 'AUDIO_CONFERENCING_PPM' | 'AUDIO_CONFERENCING_SELECT_DIAL_OUT' | 'COMMUNICATIONS_CREDITS';

/** Zone A (domain.md, "Dial-out minute pool"): 44 countries. */
export const ZONE_A: ReadonlySet<string> = new Set(
  'AU AT BE BR BG CA CN HR CZ DK EE FI FR DE GR HK HU IN IE IT JP LU MY MX NL NZ NO PL PT PR RO RU SG SK SI ZA KR ES SE CH TW TH GB US'.split(' '),
);

/** Select Dial Out covers these destinations only (domain.md, "The pool reserves what it grants"). */
export const SELECT_DIAL_OUT_COUNTRIES: ReadonlySet<string> = new Set(['US', 'CA']);

/** A rate as the rate card states it: decimal strings in the card's currency. */
export interface Rate {
  perMinute: string;
  connectionFee: string;
}

export interface ModelSettings {
  /**
   * The most minutes one call is granted: the pool's `POOL_MAX_GRANT_MINUTES` and the wallet's
   * `WALLET_MAX_HOLD_MINUTES` (the test system sets both to this).
   */
  maxGrantMinutes: number;
  /** Dial-out rates by destination country (ISO alpha-2), from the card in force. */
  dialOutRates: Readonly<Record<string, Rate>>;
}

export type Input =
  | { kind: 'seats'; sku: Sku; seats: number }
  | { kind: 'assign'; userId: string; sku: Sku }
  | { kind: 'fund'; cents: bigint }
  | { kind: 'autoRecharge'; enabled: boolean; triggerCents: bigint; rechargeCents: bigint; maxRechargesPerMonth?: number | null }
  /** A meeting dial-out (`conf_out`) organized by `userId` to a number in `country`. */
  | { kind: 'start'; callId: string; userId: string; country: string }
  | { kind: 'end'; callId: string; seconds: number }
  /** The wallet released a credits call's hold as missing its settlement (grant + grace passed). */
  | { kind: 'holdExpired'; callId: string };

export interface Split {
  poolSeconds: number;
  creditSeconds: number;
}

export type Decision =
  { type: 'CallAdmitted'; funding: 'pool' | 'credits'; maxDurationSeconds: number; split?: Split } | { type: 'CallRejected'; reason: string };

/** What a call did to the books, once settled (for reports). */
export interface Settlement {
  seconds: number;
  billedSeconds: number;
  minutes: number;
  poolMinutes: number;
  creditMinutes: number;
  chargeCents: bigint;
}

export interface CallRecord {
  callId: string;
  userId: string;
  country: string;
  decision: Decision;
  /** Pool minutes reserved while the call is in progress. */
  reservedMinutes: number;
  /** Money held while the call is in progress. */
  holdCents: bigint;
  /** Credit minutes granted (credits call, or the continuation of a pool call). */
  creditMinutes: number;
  /** The connection fee is due (funded by credits from its start). */
  withFee: boolean;
  settlement?: Settlement;
}

export interface Books {
  capacityMinutes: number;
  usedMinutes: number;
  reservedMinutes: number;
  /** capacity − used − reserved, never below zero: what admission may still grant. */
  availableMinutes: number;
  balanceCents: bigint;
  heldCents: bigint;
  owedCents: bigint;
  /** balance − held − owed, never below zero. */
  availableCents: bigint;
  billingSetUp: boolean;
  /** Auto-recharges that happened (each adds a lot). */
  recharges: number;
}

interface Lot {
  remaining: bigint;
}

const CONFERENCING: readonly Sku[] = ['OFFICE_365_E5', 'AUDIO_CONFERENCING', 'AUDIO_CONFERENCING_PPM', 'AUDIO_CONFERENCING_SELECT_DIAL_OUT'];

export class BooksModel {
  private readonly seats = new Map<Sku, number>();
  private readonly licences = new Map<string, Set<Sku>>();
  private usedMinutes = 0;
  private readonly lots: Lot[] = [];
  private owedCents = 0n;
  private billingSetUp = false;
  private autoRecharge: { enabled: boolean; triggerCents: bigint; rechargeCents: bigint; maxRechargesPerMonth: number | null } | null = null;
  private recharges = 0;
  private readonly calls = new Map<string, CallRecord>();
  /** CallEnded seen before the call's CallStarted (any order is allowed). */
  private readonly earlyEnds = new Map<string, number>();

  constructor(readonly settings: ModelSettings) {}

  apply(input: Input): void {
    switch (input.kind) {
      case 'seats':
        this.seats.set(input.sku, input.seats);
        return;
      case 'assign': {
        const held = this.licences.get(input.userId) ?? new Set<Sku>();
        const assigned = [...this.licences.values()].filter((skus) => skus.has(input.sku)).length;
        // COMMUNICATIONS_CREDITS is free and assignable without seats; the others need a seat.
        if (input.sku !== 'COMMUNICATIONS_CREDITS' && !held.has(input.sku) && assigned >= (this.seats.get(input.sku) ?? 0)) {
          throw new Error(`model: no free seat of ${input.sku} for ${input.userId}`);
        }
        held.add(input.sku);
        this.licences.set(input.userId, held);
        return;
      }
      case 'fund':
        this.addFunds(input.cents);
        return;
      case 'autoRecharge':
        this.autoRecharge = {
          enabled: input.enabled,
          triggerCents: input.triggerCents,
          rechargeCents: input.rechargeCents,
          maxRechargesPerMonth: input.maxRechargesPerMonth ?? null,
        };
        this.maybeRecharge(); // a settings change is a triggering event
        return;
      case 'start':
        if (this.calls.has(input.callId)) return; // a repeat: decided once
        this.decide(input.callId, input.userId, input.country);
        if (this.earlyEnds.has(input.callId)) this.settle(input.callId, this.earlyEnds.get(input.callId)!);
        return;
      case 'end': {
        const call = this.calls.get(input.callId);
        if (!call) {
          if (!this.earlyEnds.has(input.callId)) this.earlyEnds.set(input.callId, input.seconds);
          return;
        }
        if (call.settlement) return; // a repeat: settled once
        this.settle(input.callId, input.seconds);
        return;
      }
      case 'holdExpired': {
        const call = this.calls.get(input.callId);
        if (!call || call.settlement || call.holdCents === 0n) return;
        if (call.reservedMinutes > 0) throw new Error('model: only holds of credits calls expire in this model');
        call.holdCents = 0n;
        return;
      }
    }
  }

  applyAll(inputs: readonly Input[]): this {
    for (const input of inputs) this.apply(input);
    return this;
  }

  decision(callId: string): Decision | undefined {
    return this.calls.get(callId)?.decision;
  }

  call(callId: string): CallRecord | undefined {
    const call = this.calls.get(callId);
    return call && { ...call, decision: { ...call.decision }, settlement: call.settlement && { ...call.settlement } };
  }

  get callIds(): string[] {
    return [...this.calls.keys()];
  }

  /** What is left of each funding lot, in the order they are spent (FIFO). */
  lotsRemaining(): bigint[] {
    return this.lots.map((lot) => lot.remaining);
  }

  capacityMinutes(): number {
    // domain.md: 60 × purchased E5 and Audio Conferencing seats + assigned Select Dial Out licences.
    const selectAssigned = [...this.licences.values()].filter((skus) => skus.has('AUDIO_CONFERENCING_SELECT_DIAL_OUT')).length;
    return 60 * ((this.seats.get('OFFICE_365_E5') ?? 0) + (this.seats.get('AUDIO_CONFERENCING') ?? 0) + selectAssigned);
  }

  books(): Books {
    const capacityMinutes = this.capacityMinutes();
    const reservedMinutes = this.reserved();
    const balanceCents = this.balance();
    const heldCents = this.held();
    return {
      capacityMinutes,
      usedMinutes: this.usedMinutes,
      reservedMinutes,
      availableMinutes: Math.max(capacityMinutes - this.usedMinutes - reservedMinutes, 0),
      balanceCents,
      heldCents,
      owedCents: this.owedCents,
      availableCents: this.spendable(),
      billingSetUp: this.billingSetUp,
      recharges: this.recharges,
    };
  }

  // ── admission ──────────────────────────────────────────────────────────────────────────────

  private decide(callId: string, userId: string, country: string): void {
    const skus = this.licences.get(userId) ?? new Set<Sku>();
    const record: CallRecord = {
      callId,
      userId,
      country,
      decision: { type: 'CallRejected', reason: 'UNDECIDED' },
      reservedMinutes: 0,
      holdCents: 0n,
      creditMinutes: 0,
      withFee: false,
    };
    this.calls.set(callId, record);
    const reject = (reason: string) => {
      record.decision = { type: 'CallRejected', reason };
    };
    if (!CONFERENCING.some((sku) => skus.has(sku))) return reject('NO_AUDIO_CONFERENCING_LICENSE');
    const creditsLicensed = skus.has('COMMUNICATIONS_CREDITS');
    const rate = this.settings.dialOutRates[country];
    const grant = this.settings.maxGrantMinutes;

    // Only Zone A meeting dial-out draws on the pool; PPM has no pool; Select covers US/CA only.
    const poolLicence =
      skus.has('OFFICE_365_E5') || skus.has('AUDIO_CONFERENCING') || (skus.has('AUDIO_CONFERENCING_SELECT_DIAL_OUT') && SELECT_DIAL_OUT_COUNTRIES.has(country));
    const poolEligible = ZONE_A.has(country) && poolLicence && !skus.has('AUDIO_CONFERENCING_PPM');

    if (poolEligible) {
      const unreserved = Math.max(this.capacityMinutes() - this.usedMinutes - this.reserved(), 0);
      if (unreserved >= grant) {
        record.reservedMinutes = grant;
        record.decision = { type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: grant * 60 };
        return;
      }
      if (unreserved > 0) {
        record.reservedMinutes = unreserved;
        // Continuation on credits: licence, billing set up, positive available balance; the
        // wallet holds for the most whole minutes it can afford at the per-minute rate, without
        // the connection fee, up to the call's cap minus the pool's part.
        // Reading: a positive balance that affords no whole minute continues nothing (the call
        // is admitted for the pool's minutes only, like an organizer without credits).
        let creditMinutes = 0;
        if (creditsLicensed && this.billingSetUp && this.spendable() > 0n && rate) {
          creditMinutes = affordableMinutes(rate, false, this.spendable(), grant - unreserved);
        }
        if (creditMinutes > 0) {
          record.creditMinutes = creditMinutes;
          record.holdCents = price(rate!, creditMinutes, false);
          record.decision = {
            type: 'CallAdmitted',
            funding: 'pool',
            maxDurationSeconds: (unreserved + creditMinutes) * 60,
            split: { poolSeconds: unreserved * 60, creditSeconds: creditMinutes * 60 },
          };
          this.maybeRecharge(); // a hold is a triggering event
        } else {
          record.decision = { type: 'CallAdmitted', funding: 'pool', maxDurationSeconds: unreserved * 60 };
        }
        return;
      }
      // Pool exhausted: the whole call on credits, or POOL_EXHAUSTED_NO_CREDITS.
      return this.onCredits(record, creditsLicensed, rate, 'POOL_EXHAUSTED_NO_CREDITS', 'POOL_EXHAUSTED_NO_CREDITS');
    }
    // Not pool-eligible (outside Zone A, PPM, Select outside US/CA): credits on every call.
    return this.onCredits(record, creditsLicensed, rate, 'NO_COMMUNICATIONS_CREDITS_LICENSE', 'INSUFFICIENT_CREDITS');
  }

  private onCredits(record: CallRecord, creditsLicensed: boolean, rate: Rate | undefined, noLicence: string, noMoney: string): void {
    if (!creditsLicensed) {
      record.decision = { type: 'CallRejected', reason: noLicence };
      return;
    }
    if (!rate) {
      record.decision = { type: 'CallRejected', reason: 'NO_RATE_FOR_DESTINATION' };
      return;
    }
    // The hold is the charge of the most whole minutes (up to the cap) that the available
    // balance covers, connection fee included (docs/credit-wallet.md, "Hold policy").
    const minutes = this.billingSetUp ? affordableMinutes(rate, true, this.spendable(), this.settings.maxGrantMinutes) : 0;
    if (minutes === 0) {
      record.decision = { type: 'CallRejected', reason: noMoney };
      return;
    }
    record.creditMinutes = minutes;
    record.withFee = true;
    record.holdCents = price(rate, minutes, true);
    record.decision = { type: 'CallAdmitted', funding: 'credits', maxDurationSeconds: minutes * 60 };
    this.maybeRecharge(); // a hold is a triggering event
  }

  // ── settlement ─────────────────────────────────────────────────────────────────────────────

  private settle(callId: string, seconds: number): void {
    const call = this.calls.get(callId)!;
    if (call.decision.type !== 'CallAdmitted') {
      call.settlement = { seconds, billedSeconds: 0, minutes: 0, poolMinutes: 0, creditMinutes: 0, chargeCents: 0n };
      return;
    }
    // Never settled beyond the grant; whole minutes (60/60).
    const billedSeconds = Math.min(seconds, call.decision.maxDurationSeconds);
    const minutes = Math.ceil(billedSeconds / 60);
    // The pool debits the call's whole minutes up to its reservation and releases the rest.
    const poolMinutes = Math.min(minutes, call.reservedMinutes);
    this.usedMinutes += poolMinutes;
    call.reservedMinutes = 0;
    // The rest is the credits part: the whole call (with the connection fee) or the continuation.
    const creditMinutes = minutes - poolMinutes;
    const rate = this.settings.dialOutRates[call.country];
    // Reading (docs/credit-wallet.md): a call of 0 seconds never connected and pays nothing,
    // connection fee included.
    const chargeCents = creditMinutes > 0 && rate ? price(rate, creditMinutes, call.withFee) : 0n;
    call.holdCents = 0n;
    call.settlement = { seconds, billedSeconds, minutes, poolMinutes, creditMinutes, chargeCents };
    if (chargeCents > 0n) {
      this.charge(chargeCents);
      this.maybeRecharge(); // a charge is a triggering event
    }
  }

  /** FIFO over the lots; what they can't cover is owed, never written off. */
  private charge(cents: bigint): void {
    let left = cents;
    for (const lot of this.lots) {
      if (left === 0n) break;
      const take = lot.remaining < left ? lot.remaining : left;
      lot.remaining -= take;
      left -= take;
    }
    this.owedCents += left;
  }

  /** New funds pay what is owed first; the rest is a lot. */
  private addFunds(cents: bigint): void {
    this.billingSetUp = true;
    const paid = cents < this.owedCents ? cents : this.owedCents;
    this.owedCents -= paid;
    this.lots.push({ remaining: cents - paid });
  }

  /**
   * Auto-recharge watches the available balance: one triggering event (a charge, a hold, a
   * settings change) that leaves it below the trigger starts one recharge. The model completes
   * it at once (the test waits for the sandbox gateway before its next input), so none is ever
   * pending when the next event comes.
   */
  private maybeRecharge(): void {
    const settings = this.autoRecharge;
    if (!settings?.enabled) return;
    if (this.spendable() >= settings.triggerCents) return;
    if (settings.maxRechargesPerMonth !== null && this.recharges >= settings.maxRechargesPerMonth) return;
    this.recharges += 1;
    this.addFunds(settings.rechargeCents);
  }

  // ── derived ────────────────────────────────────────────────────────────────────────────────

  private reserved(): number {
    let minutes = 0;
    for (const call of this.calls.values()) minutes += call.reservedMinutes;
    return minutes;
  }

  private held(): bigint {
    let cents = 0n;
    for (const call of this.calls.values()) cents += call.holdCents;
    return cents;
  }

  private balance(): bigint {
    return this.lots.reduce((sum, lot) => sum + lot.remaining, 0n);
  }

  /** balance − held − owed, never below zero. */
  private spendable(): bigint {
    const cents = this.balance() - this.held() - this.owedCents;
    return cents > 0n ? cents : 0n;
  }
}

// ── money ──────────────────────────────────────────────────────────────────────────────────────

/** A non-negative decimal string as an integer of 10^-scale units. */
export function parseDecimal(text: string): { units: bigint; scale: number } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a non-negative decimal: ${text}`);
  const fraction = match[2] ?? '';
  return { units: BigInt(match[1] + fraction), scale: fraction.length };
}

/** The price of `minutes` whole minutes, exact, rounded half-up to cents once. */
export function price(rate: Rate, minutes: number, withFee: boolean): bigint {
  const perMinute = parseDecimal(rate.perMinute);
  const fee = parseDecimal(rate.connectionFee);
  const scale = Math.max(perMinute.scale, fee.scale, 2);
  const exact = perMinute.units * 10n ** BigInt(scale - perMinute.scale) * BigInt(minutes) + (withFee ? fee.units * 10n ** BigInt(scale - fee.scale) : 0n);
  const unit = 10n ** BigInt(scale - 2);
  const cents = exact / unit;
  return (exact % unit) * 2n >= unit ? cents + 1n : cents;
}

/** The most whole minutes (≤ cap) whose price fits in `cents`; 0 when not even one does. */
export function affordableMinutes(rate: Rate, withFee: boolean, cents: bigint, cap: number): number {
  let minutes = 0;
  while (minutes < cap && price(rate, minutes + 1, withFee) <= cents) minutes += 1;
  return minutes;
}

/** Cents as a decimal string with two places: 1234n → "12.34". */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** "12.34" (or "12.3", "12") → 1234n; more than two decimals is an error. */
export function parseCents(text: string): bigint {
  const { units, scale } = parseDecimal(text);
  if (scale > 2) throw new Error(`more than cents: ${text}`);
  return units * 10n ** BigInt(2 - scale);
}
