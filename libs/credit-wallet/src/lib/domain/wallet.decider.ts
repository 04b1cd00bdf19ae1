import { Currency, Money, RejectionReasons, monthOf } from '@comms-credits/contracts';
import { Decider, DomainError, fail, ok } from '@comms-credits/domain-kit';
import { AutoRechargeState, RechargeOutcome, RechargePolicy, backoffMs, capReached, noAutoRecharge, rechargeReason, retryDueAt } from './auto-recharge';
import { FundingRequest, decideFunding } from './admission';
import { nameId } from './ids';
import { OpenLot, applyDraws, balanceOf, drawFifo, expiryOf, isExpired } from './lots';
import { Exact, Minor, isCurrency, maxAmountMinor, maxOf, minOf, minorOf, money, parseAmount, sumOf } from './money';
import { checkPaymentToken, tokenHint } from './payment-token';
import { billedSeconds, callCharge, continuationMinutes, overflowCharge } from './pricing';
import { AppliedRate, RateTable } from './rate-card';
import { ChargeKind, WalletEvent, WalletEventData } from './wallet.events';
import { WalletErrors } from './wallet.errors';

/**
 * A call the wallet knows, as far as the commands at hand need it (a snapshot row per call).
 * `status` is the wallet's own decision and settlement of the call (null: the wallet never
 * decided it, e.g. a pool call of which only an overflow came); `overflow` is separate, so a
 * call the wallet decided can still have its pool minutes handed over once.
 */
export interface WalletCall {
  status: 'admitted' | 'rejected' | 'settled' | 'settlement-missing' | null;
  funding: 'credits' | 'free' | 'pool' | null;
  hold: Minor;
  /** The whole grant: what settlement is capped at. */
  maxDurationSeconds: number | null;
  /** A continuation on credits: the pool's part of the grant (the pool debits up to this). */
  poolSeconds: number | null;
  /** The rate the wallet charges at; null when it charges nothing for the call itself. */
  rate: AppliedRate | null;
  overflow: 'charged' | 'unbilled' | null;
}

/** Money held for a call in progress, until its CallEnded or `dueBy`. */
export interface OpenHold {
  amount: Minor;
  grantedSeconds: number;
  /** Grant + grace after the admission: then the hold is released as missing its settlement (null for holds placed before v2). */
  dueBy: string | null;
}

/** A funding request already applied, by its Idempotency-Key. */
export interface FundingRecord {
  lotId: string;
  amount: Minor;
  currency: Currency;
}

/** The end of a call as telephony reported it (the first `CallEnded`). */
export interface CallEnd {
  durationSeconds: number;
  endEventId: string;
}

/**
 * A tenant's wallet: the tenant's snapshot (everything but `calls`, `fundings` and `callEnds`),
 * loaded under the snapshot row's lock, plus only the calls, Idempotency-Keys and call ends the
 * commands at hand are about. `evolveWallet` is the one home of how events change it: the
 * snapshots are written by folding it (projections/wallet-snapshot.projection.ts).
 */
export interface WalletState {
  tenantId: string;
  currency: Currency | null;
  billingSetUp: boolean;
  /** Lots with money left, oldest first. */
  lots: readonly OpenLot[];
  /** Open holds by call id; `held` is their sum. */
  holds: Readonly<Record<string, OpenHold>>;
  /** What charges took beyond the lots: never written off, paid first by the next funds. */
  owed: Minor;
  autoRecharge: AutoRechargeState;
  calls: Readonly<Record<string, WalletCall>>;
  fundings: Readonly<Record<string, FundingRecord>>;
  callEnds: Readonly<Record<string, CallEnd>>;
}

export type WalletCommand =
  | { type: 'AddFunds'; idempotencyKey: string; amount: Money; now: string }
  | { type: 'SetPaymentMethod'; token: string; now: string }
  | {
      type: 'ConfigureAutoRecharge';
      enabled: boolean;
      triggerAmount: Money | null;
      rechargeAmount: Money | null;
      /** undefined keeps the current cap; null removes it. */
      maxRechargesPerMonth?: number | null;
      now: string;
    }
  | { type: 'FundCall'; request: FundingRequest; causationId: string; now: string }
  | { type: 'SettleCall'; callId: string; end: CallEnd; now: string }
  | {
      type: 'ChargeOverflow';
      callId: string;
      destinationCountry: string;
      durationSeconds: number;
      uncoveredMinutes: number;
      creditsLicensed: boolean;
      causationId: string;
      now: string;
    }
  | { type: 'RecordRechargeOutcome'; rechargeId: string; outcome: RechargeOutcome; now: string }
  /** Time passing: expire due lots and due holds, retry a recharge whose back-off has run out. */
  | { type: 'Tick'; now: string };

export interface WalletPolicy {
  /** Hold cap: no call is granted more minutes than this (`WALLET_MAX_HOLD_MINUTES`). */
  maxHoldMinutes: number;
  /** A hold is released as missing its settlement at grant + this (`WALLET_SETTLEMENT_GRACE_MINUTES`). */
  settlementGraceMinutes: number;
  recharge: RechargePolicy;
}

export const emptyWallet = (tenantId: string): WalletState => ({
  tenantId,
  currency: null,
  billingSetUp: false,
  lots: [],
  holds: {},
  owed: 0n,
  autoRecharge: noAutoRecharge(),
  calls: {},
  fundings: {},
  callEnds: {},
});

export const heldOf = (state: Pick<WalletState, 'holds'>): Minor => sumOf(Object.values(state.holds).map((h) => h.amount));

/** What calls may still spend: balance − held − owed, never below zero (docs/credit-wallet.md). */
export const availableOf = (state: WalletState): Minor => maxOf(balanceOf(state.lots) - heldOf(state) - state.owed, 0n);

/**
 * When time alone will next change this wallet (a lot expires, a hold falls due, a back-off
 * ends): the recharge worker ticks the wallet then. Null: nothing is waiting on time.
 */
export function nextDueAt(state: WalletState): string | null {
  const instants = [
    ...state.lots.map((lot) => lot.expiresAt),
    ...Object.values(state.holds).flatMap((hold) => (hold.dueBy ? [hold.dueBy] : [])),
    ...[retryDueAt(state.autoRecharge, availableOf(state))].filter((at): at is string => at !== null),
  ];
  if (instants.length === 0) return null;
  return instants.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

/**
 * The wallet as a pure decider: state in, events out. Every command first expires the lots
 * that are due, and after it a recharge may start (see `rechargeReason`). Each change of the
 * balance is followed by `WalletBalanceChanged`, and by `BalanceReachedZero` when it hit zero.
 */
export function walletDecider(rates: RateTable, policy: WalletPolicy): Decider<WalletCommand, WalletEvent, WalletState> {
  return {
    initialState: () => emptyWallet(''),
    evolve: evolveWallet,
    decide: (command, state) => {
      const session = new Session(state, rates, policy);
      const start = availableOf(session.state);
      expireDueLots(session, command.now);
      if (command.type === 'Tick') expireDueHolds(session, command.now);
      // HANDLERS is keyed by command type, so each handler gets its own kind of command.
      const error = HANDLERS[command.type](session, command as never);
      if (error) return fail(error);
      startRechargeIfDue(session, start, command.now);
      return ok(session.events);
    },
  };
}

/** One decision in the making: events so far, and the state they lead to. */
class Session {
  readonly events: WalletEvent[] = [];
  /** Auto-recharge settings or payment method changed by this command. */
  configured = false;
  /** A charge, a hold or a lot expiry took spendable money (may start a recharge). */
  spent = false;

  constructor(
    public state: WalletState,
    readonly rates: RateTable,
    readonly policy: WalletPolicy,
  ) {}

  get balance(): Minor {
    return balanceOf(this.state.lots);
  }

  /** The wallet's currency; before the first funding, the rate card's (which it must be). */
  get currency(): Currency {
    return this.state.currency ?? this.rates.currency;
  }

  money(minor: Minor): Money {
    return money(minor, this.currency);
  }

  emit(event: WalletEvent): void {
    this.events.push(event);
    this.state = evolveWallet(this.state, event);
    if (event.type === 'HoldPlaced' || event.type === 'CallCharged' || event.type === 'LotExpired') this.spent = true;
  }

  /** An event that moves the balance, then what every such move announces. */
  move(event: WalletEvent, callId: string | null = null): void {
    this.moving(callId, () => this.emit(event));
  }

  /** Events that move the balance together, then one announcement of where it ended. */
  moving(callId: string | null, emitAll: () => void): void {
    const before = this.balance;
    const first = this.events.length;
    emitAll();
    const after = this.balance;
    if (after === before) return;
    // The cause is the first event of the move (a lot added, before the debt it paid).
    const event = this.events[first]!;
    this.emit({
      type: 'WalletBalanceChanged',
      data: { balance: this.money(after), available: this.money(availableOf(this.state)), billingSetUp: this.state.billingSetUp, cause: event.type },
    });
    if (before > 0n && after === 0n) this.emit({ type: 'BalanceReachedZero', data: { cause: event.type, callId } });
  }

  /** Parses a requested amount in the wallet's currency: exact, in range, or a refusal. */
  amount(field: string, value: Money, options: { allowZero: boolean }): Minor | DomainError {
    if (!isCurrency(value.currency) || value.currency !== this.currency) return WalletErrors.currencyMismatch(String(value.currency), this.currency);
    const minor = parseAmount(value.amount, value.currency);
    if (minor === undefined) return WalletErrors.invalidAmount(field, `${JSON.stringify(value.amount)} is not a decimal amount of ${value.currency}`);
    if (minor < 0n || (minor === 0n && !options.allowZero))
      return WalletErrors.invalidAmount(field, options.allowZero ? 'must not be negative' : 'must be more than zero');
    if (minor > maxAmountMinor(value.currency))
      return WalletErrors.invalidAmount(field, `must not exceed ${this.money(maxAmountMinor(value.currency)).amount}`);
    return minor;
  }
}

type Handler<T extends WalletCommand['type']> = (session: Session, command: Extract<WalletCommand, { type: T }>) => DomainError | void;

const HANDLERS: { [T in WalletCommand['type']]: Handler<T> } = {
  AddFunds: addFunds,
  SetPaymentMethod: setPaymentMethod,
  ConfigureAutoRecharge: configureAutoRecharge,
  FundCall: fundCall,
  SettleCall: (session, { callId, end }) => settle(session, callId, end),
  ChargeOverflow: chargeOverflow,
  RecordRechargeOutcome: recordRechargeOutcome,
  Tick: () => undefined,
};

function expireDueLots(session: Session, now: string): void {
  for (const lot of session.state.lots.filter((l) => isExpired(l, now))) {
    session.move({
      type: 'LotExpired',
      data: {
        lotId: lot.lotId,
        amount: session.money(lot.remaining),
        purchasedAt: lot.purchasedAt,
        expiredAt: lot.expiresAt,
        balanceAfter: session.money(session.balance - lot.remaining),
      },
    });
  }
}

/**
 * Holds whose CallEnded has not come by grant + grace are released, and their calls marked as
 * missing their settlement (domain.md): a lost or dead-lettered CallEnded holds nothing forever.
 * In due order, then by call id, so the same state gives the same events.
 */
function expireDueHolds(session: Session, now: string): void {
  const due = Object.entries(session.state.holds)
    .filter(([, hold]) => hold.dueBy !== null && Date.parse(hold.dueBy) <= Date.parse(now))
    .sort(([a, x], [b, y]) => Date.parse(x.dueBy!) - Date.parse(y.dueBy!) || (a < b ? -1 : a > b ? 1 : 0));
  for (const [callId, hold] of due) {
    session.emit({
      type: 'CallSettlementMissing',
      data: { callId, grantedSeconds: hold.grantedSeconds, heldAmount: session.money(hold.amount), dueBy: hold.dueBy! },
    });
  }
}

/** A funding request adds one lot, once per Idempotency-Key; a repeat with the same amount adds nothing. */
function addFunds(session: Session, { idempotencyKey, amount: requested, now }: Extract<WalletCommand, { type: 'AddFunds' }>): DomainError | void {
  const amount = session.amount('amount', requested, { allowZero: false });
  if (amount instanceof DomainError) return amount;
  const earlier = session.state.fundings[idempotencyKey];
  if (earlier) return earlier.amount === amount && earlier.currency === requested.currency ? undefined : WalletErrors.idempotencyKeyReused(idempotencyKey);
  addLot(session, { lotId: nameId(session.state.tenantId, 'funds', idempotencyKey), amount, now, idempotencyKey, rechargeId: null });
}

/** New money: a lot, from which what the wallet owes is paid first (`OwedSettled`). */
function addLot(session: Session, lot: { lotId: string; amount: Minor; now: string; idempotencyKey: string | null; rechargeId: string | null }): void {
  session.moving(null, () => {
    session.emit({
      type: 'FundsAdded',
      data: {
        lotId: lot.lotId,
        amount: session.money(lot.amount),
        source: lot.rechargeId ? 'auto-recharge' : 'funds',
        idempotencyKey: lot.idempotencyKey,
        rechargeId: lot.rechargeId,
        purchasedAt: lot.now,
        expiresAt: expiryOf(lot.now),
        balanceAfter: session.money(session.balance + lot.amount),
      },
    });
    const paid = minOf(session.state.owed, lot.amount);
    if (paid === 0n) return;
    session.emit({
      type: 'OwedSettled',
      data: {
        lotId: lot.lotId,
        amount: session.money(paid),
        owedAfter: session.money(session.state.owed - paid),
        balanceAfter: session.money(session.balance - paid),
      },
    });
  });
}

function setPaymentMethod(session: Session, { token }: Extract<WalletCommand, { type: 'SetPaymentMethod' }>): DomainError | void {
  const refused = checkPaymentToken(token);
  if (refused) return refused;
  if (session.state.autoRecharge.token === token) return;
  session.emit({ type: 'PaymentMethodSet', data: { token, tokenHint: tokenHint(token) } });
  session.configured = true;
}

function configureAutoRecharge(session: Session, command: Extract<WalletCommand, { type: 'ConfigureAutoRecharge' }>): DomainError | void {
  const current = session.state.autoRecharge;
  if (command.enabled && current.token === null) return WalletErrors.paymentMethodRequired();
  if (command.enabled && (command.triggerAmount === null || command.rechargeAmount === null)) return WalletErrors.rechargeAmountsRequired();
  const trigger = command.triggerAmount ? session.amount('triggerAmount', command.triggerAmount, { allowZero: true }) : current.trigger;
  if (trigger instanceof DomainError) return trigger;
  const amount = command.rechargeAmount ? session.amount('rechargeAmount', command.rechargeAmount, { allowZero: false }) : current.amount;
  if (amount instanceof DomainError) return amount;
  const cap = command.maxRechargesPerMonth === undefined ? current.maxPerMonth : command.maxRechargesPerMonth;
  if (cap !== null && (!Number.isInteger(cap) || cap < 1)) return WalletErrors.invalidRechargeCap();
  if (current.enabled === command.enabled && current.trigger === trigger && current.amount === amount && current.maxPerMonth === cap) return;
  session.emit({
    type: 'AutoRechargeConfigured',
    data: {
      enabled: command.enabled,
      triggerAmount: trigger === null ? null : session.money(trigger),
      rechargeAmount: amount === null ? null : session.money(amount),
      maxRechargesPerMonth: cap,
    },
  });
  session.configured = command.enabled;
}

/** Admission stage 4: one decision per call, whatever the repeats; settled at once if it has already ended. */
function fundCall(session: Session, { request, causationId, now }: Extract<WalletCommand, { type: 'FundCall' }>): void {
  const { callId } = request;
  if (session.state.calls[callId]?.status) return;
  const outcome = decideFunding(
    request,
    { billingSetUp: session.state.billingSetUp, available: availableOf(session.state), owed: session.state.owed },
    session.rates,
    session.policy.maxHoldMinutes,
  );
  const decidedBy = 'credit-wallet' as const;
  const hold = (amount: Minor, grantedMinutes: number, maxDurationSeconds: number, rate: AppliedRate) =>
    session.emit({
      type: 'HoldPlaced',
      data: {
        callId,
        amount: session.money(amount),
        grantedMinutes,
        maxDurationSeconds,
        rate,
        causationEventId: causationId,
        dueBy: new Date(Date.parse(now) + Math.round((maxDurationSeconds + session.policy.settlementGraceMinutes * 60) * 1000)).toISOString(),
      },
    });
  switch (outcome.kind) {
    case 'reject':
      session.emit({ type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy, details: outcome.details } });
      return;
    case 'admit-free':
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'free', maxDurationSeconds: null, decidedBy } });
      return;
    case 'pool-only': {
      const { poolSeconds } = request as Extract<FundingRequest, { source: 'pool-continuation' }>;
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'pool', maxDurationSeconds: poolSeconds, decidedBy } });
      return;
    }
    case 'continue': {
      const { poolSeconds } = request as Extract<FundingRequest, { source: 'pool-continuation' }>;
      const creditSeconds = outcome.creditMinutes * 60;
      const maxDurationSeconds = poolSeconds + creditSeconds;
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'pool', maxDurationSeconds, decidedBy, split: { poolSeconds, creditSeconds } } });
      hold(outcome.hold, outcome.creditMinutes, maxDurationSeconds, outcome.rate);
      break;
    }
    case 'admit': {
      const maxDurationSeconds = outcome.grantedMinutes * 60;
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'credits', maxDurationSeconds, decidedBy } });
      hold(outcome.hold, outcome.grantedMinutes, maxDurationSeconds, outcome.rate);
    }
  }
  const end = session.state.callEnds[callId];
  if (end) settle(session, callId, end);
}

/**
 * Settles a call the wallet charges for, once (domain.md, "A call is never settled beyond its
 * grant"): the billable time is the reported duration capped at the grant; a longer report is
 * recorded as `SettlementExceededGrant` and the excess never charged. A credits call pays
 * rate × billed minutes + connection fee; a continuation pays its whole minutes beyond the
 * pool's part at the per-minute rate, without fee (the pool debits the rest). The hold is
 * released; a call whose hold was already released as missing its settlement is charged
 * without one (`CallSettledLate`). What the lots cannot cover is owed.
 */
function settle(session: Session, callId: string, end: CallEnd): void {
  const call = session.state.calls[callId];
  if (!call || !call.rate || (call.status !== 'admitted' && call.status !== 'settlement-missing')) return;
  const rate = call.rate;
  const granted = call.maxDurationSeconds ?? 0;
  const billable = Math.min(end.durationSeconds, granted);
  const causationEventId = end.endEventId;
  if (end.durationSeconds > granted) {
    session.emit({
      type: 'SettlementExceededGrant',
      data: { callId, reportedSeconds: end.durationSeconds, grantedSeconds: granted, excessSeconds: end.durationSeconds - granted, causationEventId },
    });
  }
  const priced =
    call.poolSeconds === null
      ? {
          kind: 'call' as const,
          cost: callCharge(rate, billable),
          billedMinutes: new Exact(billedSeconds(billable, rate.increment)).dividedBy(60).toString(),
          poolMinutes: undefined,
        }
      : continuationPrice(rate, billable, call.poolSeconds);
  if (call.status === 'settlement-missing') {
    session.emit({ type: 'CallSettledLate', data: { callId, durationSeconds: end.durationSeconds, causationEventId } });
  } else {
    const held = session.state.holds[callId]?.amount ?? call.hold;
    session.emit({ type: 'HoldReleased', data: { callId, amount: session.money(held), charged: priced.cost > 0n, causationEventId } });
  }
  if (priced.cost === 0n) return;
  charge(session, {
    callId,
    kind: priced.kind,
    causationEventId,
    durationSeconds: end.durationSeconds,
    billedMinutes: priced.billedMinutes,
    unbilledSeconds: end.durationSeconds - billable,
    rate,
    cost: priced.cost,
    ...(priced.poolMinutes === undefined ? {} : { poolMinutes: priced.poolMinutes }),
  });
}

function continuationPrice(rate: AppliedRate, billable: number, poolSeconds: number) {
  const minutes = continuationMinutes(billable, poolSeconds, rate.increment);
  return { kind: 'pool-continuation' as const, cost: overflowCharge(rate, minutes.credits), billedMinutes: String(minutes.credits), poolMinutes: minutes.pool };
}

/** Takes a charge from the lots oldest first; what they cannot cover is owed (`shortfall`, `owedAfter`). */
function charge(
  session: Session,
  details: Omit<WalletEventData<'CallCharged'>, 'cost' | 'amount' | 'shortfall' | 'lots' | 'balanceAfter' | 'owedAfter'> & { cost: Minor; kind: ChargeKind },
): void {
  const { draws, covered, shortfall } = drawFifo(session.state.lots, details.cost);
  session.move(
    {
      type: 'CallCharged',
      data: {
        ...details,
        cost: session.money(details.cost),
        amount: session.money(covered),
        shortfall: session.money(shortfall),
        lots: draws.map((d) => ({ lotId: d.lotId, amount: session.money(d.amount) })),
        balanceAfter: session.money(session.balance - covered),
        owedAfter: session.money(session.state.owed + shortfall),
      },
    },
    details.callId,
  );
}

/**
 * Pool minutes of a pool-funded call the pool could not debit after all (its reservation had
 * expired before a late CallEnded): `uncoveredMinutes` × the destination's rate, without
 * connection fee and without hold, once per call — whatever the wallet decided about the call
 * itself. What cannot be billed is recorded, never dropped.
 */
function chargeOverflow(session: Session, command: Extract<WalletCommand, { type: 'ChargeOverflow' }>): void {
  const { callId, destinationCountry, uncoveredMinutes, causationId } = command;
  if (session.state.calls[callId]?.overflow) return;
  const rate = session.rates.lookup('dial-out', destinationCountry);
  const unbillable = overflowUnbillable(command.creditsLicensed, session.state.billingSetUp, rate);
  if (unbillable || !rate) {
    session.emit({
      type: 'OverflowUnbilled',
      data: { callId, reason: unbillable ?? RejectionReasons.NoRateForDestination, destinationCountry, uncoveredMinutes, causationEventId: causationId },
    });
    return;
  }
  charge(session, {
    callId,
    kind: 'pool-overflow',
    causationEventId: causationId,
    durationSeconds: command.durationSeconds,
    billedMinutes: String(uncoveredMinutes),
    unbilledSeconds: 0,
    rate,
    cost: overflowCharge(rate, uncoveredMinutes),
  });
}

/** Why an overflow cannot be billed, if it cannot. */
function overflowUnbillable(creditsLicensed: boolean, billingSetUp: boolean, rate: AppliedRate | undefined): string | null {
  if (!creditsLicensed) return 'NO_COMMUNICATIONS_CREDITS_LICENSE';
  if (!billingSetUp) return 'BILLING_NOT_SET_UP';
  return rate ? null : RejectionReasons.NoRateForDestination;
}

/** The gateway's answer for the pending recharge (a stale or repeated answer changes nothing). */
function recordRechargeOutcome(session: Session, { rechargeId, outcome, now }: Extract<WalletCommand, { type: 'RecordRechargeOutcome' }>): void {
  const { pending, failures } = session.state.autoRecharge;
  if (!pending || pending.rechargeId !== rechargeId) return;
  const amount = session.money(pending.amount);
  if (outcome.status === 'succeeded') {
    const lotId = nameId(session.state.tenantId, 'recharge', rechargeId);
    session.emit({ type: 'AutoRechargeSucceeded', data: { rechargeId, amount, paymentId: outcome.paymentId, lotId } });
    addLot(session, { lotId, amount: pending.amount, now, idempotencyKey: null, rechargeId });
    return;
  }
  const consecutiveFailures = failures + 1;
  const wait = backoffMs(consecutiveFailures, session.policy.recharge);
  const retryAt = new Date(Date.parse(now) + wait).toISOString();
  const { code, message } = outcome;
  session.emit({
    type: 'AutoRechargeFailed',
    data: { rechargeId, amount, outcome: outcome.status, code, message, consecutiveFailures, backoffMs: wait, retryAt },
  });
  if (consecutiveFailures === session.policy.recharge.alertAfter) {
    session.emit({ type: 'AutoRechargeAlert', data: { rechargeId, consecutiveFailures, code, message } });
  }
}

/**
 * After every command: one recharge when the available balance is left below the trigger by
 * what the command did (`rechargeReason`), unless the month's cap is reached — then an alert,
 * once per month, and no recharge.
 */
function startRechargeIfDue(session: Session, start: Minor, now: string): void {
  const recharge = session.state.autoRecharge;
  const available = availableOf(session.state);
  const reason = rechargeReason(recharge, start, available, now, { configured: session.configured, spent: session.spent });
  if (!reason) return;
  if (capReached(recharge, now)) {
    const month = monthOf(now);
    if (recharge.capAlertedMonth === month) return;
    session.emit({
      type: 'AutoRechargeCapReached',
      data: { month, maxRechargesPerMonth: recharge.maxPerMonth!, available: session.money(available), triggerAmount: session.money(recharge.trigger!) },
    });
    return;
  }
  session.emit({
    type: 'AutoRechargeRequested',
    data: {
      rechargeId: nameId(session.state.tenantId, 'recharge-request', String(recharge.requested + 1)),
      amount: session.money(recharge.amount!),
      triggerAmount: session.money(recharge.trigger!),
      balance: session.money(session.balance),
      available: session.money(available),
      reason,
      attempt: recharge.failures + 1,
    },
  });
}

const noCall = (): WalletCall => ({ status: null, funding: null, hold: 0n, maxDurationSeconds: null, poolSeconds: null, rate: null, overflow: null });

function withCall(state: WalletState, callId: string, change: Partial<WalletCall>): WalletState {
  return { ...state, calls: { ...state.calls, [callId]: { ...(state.calls[callId] ?? noCall()), ...change } } };
}

function withoutHold(state: WalletState, callId: string): WalletState {
  const { [callId]: _released, ...holds } = state.holds;
  return { ...state, holds };
}

function withRecharge(state: WalletState, change: Partial<AutoRechargeState>): WalletState {
  return { ...state, autoRecharge: { ...state.autoRecharge, ...change } };
}

const optionalMinor = (value: Money | null): Minor | null => (value === null ? null : minorOf(value));

/** Successful recharges counted in the month of the lot they added. */
function countRecharge(state: AutoRechargeState, purchasedAt: string): Partial<AutoRechargeState> {
  const month = monthOf(purchasedAt);
  return { countedMonth: month, succeededInMonth: state.countedMonth === month ? state.succeededInMonth + 1 : 1 };
}

/**
 * How each event changes the wallet: the ONE home of the wallet's money rules. Decisions fold it
 * as they go, and the snapshot projection folds it to persist the state the next decision loads.
 */
export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'FundsAdded': {
      const { lotId, amount, purchasedAt, expiresAt, idempotencyKey, rechargeId } = event.data;
      const lot = { lotId, remaining: minorOf(amount), purchasedAt, expiresAt };
      const fundings = idempotencyKey ? { ...state.fundings, [idempotencyKey]: { lotId, amount: lot.remaining, currency: amount.currency } } : state.fundings;
      const funded = { ...state, currency: state.currency ?? amount.currency, billingSetUp: true, lots: [...state.lots, lot], fundings };
      return rechargeId ? withRecharge(funded, countRecharge(state.autoRecharge, purchasedAt)) : funded;
    }
    case 'OwedSettled': {
      const paid = minorOf(event.data.amount);
      return { ...state, lots: applyDraws(state.lots, [{ lotId: event.data.lotId, amount: paid }]), owed: state.owed - paid };
    }
    case 'LotExpired':
      return { ...state, lots: state.lots.filter((lot) => lot.lotId !== event.data.lotId) };
    case 'CallCharged': {
      const { callId, kind, lots: draws, shortfall } = event.data;
      const lots = applyDraws(
        state.lots,
        draws.map((d) => ({ lotId: d.lotId, amount: minorOf(d.amount) })),
      );
      const charged = { ...state, lots, owed: state.owed + minorOf(shortfall) };
      return kind === 'pool-overflow' ? withCall(charged, callId, { overflow: 'charged' }) : withCall(charged, callId, { status: 'settled' });
    }
    case 'CallAdmitted': {
      const { callId, funding, maxDurationSeconds, split } = event.data;
      return withCall(state, callId, { status: 'admitted', funding, maxDurationSeconds, poolSeconds: split?.poolSeconds ?? null });
    }
    case 'CallRejected':
      return withCall(state, event.data.callId, { status: 'rejected' });
    case 'HoldPlaced': {
      const { callId, amount, rate, maxDurationSeconds, dueBy } = event.data;
      const hold = { amount: minorOf(amount), grantedSeconds: maxDurationSeconds, dueBy: dueBy ?? null };
      return withCall({ ...state, holds: { ...state.holds, [callId]: hold } }, callId, { hold: hold.amount, rate, maxDurationSeconds });
    }
    case 'HoldReleased':
      return withCall(withoutHold(state, event.data.callId), event.data.callId, { status: 'settled' });
    case 'CallSettlementMissing':
      return withCall(withoutHold(state, event.data.callId), event.data.callId, { status: 'settlement-missing' });
    case 'CallSettledLate':
      return withCall(state, event.data.callId, { status: 'settled' });
    case 'OverflowUnbilled':
      return withCall(state, event.data.callId, { overflow: 'unbilled' });
    case 'PaymentMethodSet':
      return withRecharge(state, { token: event.data.token, failures: 0, retryAt: null });
    case 'AutoRechargeConfigured':
      return withRecharge(state, {
        enabled: event.data.enabled,
        trigger: optionalMinor(event.data.triggerAmount),
        amount: optionalMinor(event.data.rechargeAmount),
        maxPerMonth: event.data.maxRechargesPerMonth ?? null,
      });
    case 'AutoRechargeRequested':
      return withRecharge(state, {
        pending: { rechargeId: event.data.rechargeId, amount: minorOf(event.data.amount) },
        requested: state.autoRecharge.requested + 1,
      });
    case 'AutoRechargeSucceeded':
      return withRecharge(state, { pending: null, failures: 0, retryAt: null });
    case 'AutoRechargeFailed':
      return withRecharge(state, { pending: null, failures: event.data.consecutiveFailures, retryAt: event.data.retryAt });
    case 'AutoRechargeCapReached':
      return withRecharge(state, { capAlertedMonth: event.data.month });
    default:
      return state;
  }
}
