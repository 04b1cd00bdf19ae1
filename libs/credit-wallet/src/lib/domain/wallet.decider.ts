import { Currency, Money, RejectionReasons } from '@comms-credits/contracts';
import { Decider, DomainError, fail, ok } from '@comms-credits/domain-kit';
import { AutoRechargeState, RechargeOutcome, RechargePolicy, backoffMs, noAutoRecharge, rechargeReason } from './auto-recharge';
import { FundingRequest, decideFunding } from './admission';
import { nameId } from './ids';
import { OpenLot, applyDraws, balanceOf, drawFifo, expiryOf, isExpired } from './lots';
import { Exact, Minor, isCurrency, maxAmountMinor, maxOf, minorOf, money, parseAmount } from './money';
import { checkPaymentToken, tokenHint } from './payment-token';
import { billedSeconds, callCharge, overflowCharge } from './pricing';
import { AppliedRate, RateTable } from './rate-card';
import { ChargeKind, WalletEvent, WalletEventData } from './wallet.events';
import { WalletErrors } from './wallet.errors';

/** A call the wallet has decided, as far as the commands at hand need it. */
export interface WalletCall {
  status: 'admitted' | 'rejected' | 'settled' | 'overflow-charged' | 'overflow-unbilled';
  funding: 'credits' | 'free' | null;
  hold: Minor;
  maxDurationSeconds: number | null;
  rate: AppliedRate | null;
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
 * A tenant's wallet, loaded from the inline read models under the wallet row's lock. `calls`,
 * `fundings` and `callEnds` hold only what the commands at hand are about.
 */
export interface WalletState {
  tenantId: string;
  currency: Currency | null;
  billingSetUp: boolean;
  /** Lots with money left, oldest first. */
  lots: readonly OpenLot[];
  held: Minor;
  autoRecharge: AutoRechargeState;
  calls: Readonly<Record<string, WalletCall>>;
  fundings: Readonly<Record<string, FundingRecord>>;
  callEnds: Readonly<Record<string, CallEnd>>;
}

export type WalletCommand =
  | { type: 'AddFunds'; idempotencyKey: string; amount: Money; now: string }
  | { type: 'SetPaymentMethod'; token: string; now: string }
  | { type: 'ConfigureAutoRecharge'; enabled: boolean; triggerAmount: Money | null; rechargeAmount: Money | null; now: string }
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
  /** Time passing: expire due lots, retry a recharge whose back-off has run out. */
  | { type: 'Tick'; now: string };

export interface WalletPolicy {
  /** Hold cap: no call is granted more minutes than this (`WALLET_MAX_HOLD_MINUTES`). */
  maxHoldMinutes: number;
  recharge: RechargePolicy;
}

export const emptyWallet = (tenantId: string): WalletState => ({
  tenantId,
  currency: null,
  billingSetUp: false,
  lots: [],
  held: 0n,
  autoRecharge: noAutoRecharge(),
  calls: {},
  fundings: {},
  callEnds: {},
});

export const availableOf = (state: WalletState): Minor => maxOf(balanceOf(state.lots) - state.held, 0n);

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
      const start = session.balance;
      expireDueLots(session, command.now);
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
  }

  /** An event that moves the balance, then what every such move announces. */
  move(event: WalletEvent, callId: string | null = null): void {
    const before = this.balance;
    this.emit(event);
    const after = this.balance;
    if (after === before) return;
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
    if (minor < 0n || (minor === 0n && !options.allowZero)) return WalletErrors.invalidAmount(field, options.allowZero ? 'must not be negative' : 'must be more than zero');
    if (minor > maxAmountMinor(value.currency)) return WalletErrors.invalidAmount(field, `must not exceed ${this.money(maxAmountMinor(value.currency)).amount}`);
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

/** A funding request adds one lot, once per Idempotency-Key; a repeat with the same amount adds nothing. */
function addFunds(session: Session, { idempotencyKey, amount: requested, now }: Extract<WalletCommand, { type: 'AddFunds' }>): DomainError | void {
  const amount = session.amount('amount', requested, { allowZero: false });
  if (amount instanceof DomainError) return amount;
  const earlier = session.state.fundings[idempotencyKey];
  if (earlier) return earlier.amount === amount && earlier.currency === requested.currency ? undefined : WalletErrors.idempotencyKeyReused(idempotencyKey);
  addLot(session, { lotId: nameId(session.state.tenantId, 'funds', idempotencyKey), amount, now, idempotencyKey, rechargeId: null });
}

function addLot(
  session: Session,
  lot: { lotId: string; amount: Minor; now: string; idempotencyKey: string | null; rechargeId: string | null },
): void {
  session.move({
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
  if (current.enabled === command.enabled && current.trigger === trigger && current.amount === amount) return;
  session.emit({
    type: 'AutoRechargeConfigured',
    data: {
      enabled: command.enabled,
      triggerAmount: trigger === null ? null : session.money(trigger),
      rechargeAmount: amount === null ? null : session.money(amount),
    },
  });
  session.configured = command.enabled;
}

/** Admission stage 4: one decision per call, whatever the repeats; settled at once if it has already ended. */
function fundCall(session: Session, { request, causationId }: Extract<WalletCommand, { type: 'FundCall' }>): void {
  const { callId } = request;
  if (session.state.calls[callId]) return;
  const outcome = decideFunding(
    request,
    { billingSetUp: session.state.billingSetUp, available: availableOf(session.state) },
    session.rates,
    session.policy.maxHoldMinutes,
  );
  const decidedBy = 'credit-wallet' as const;
  switch (outcome.kind) {
    case 'reject':
      session.emit({ type: 'CallRejected', data: { callId, reason: outcome.reason, decidedBy, details: outcome.details } });
      return;
    case 'admit-free':
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'free', maxDurationSeconds: null, decidedBy } });
      return;
    case 'admit': {
      const maxDurationSeconds = outcome.grantedMinutes * 60;
      session.emit({ type: 'CallAdmitted', data: { callId, funding: 'credits', maxDurationSeconds, decidedBy } });
      session.emit({
        type: 'HoldPlaced',
        data: { callId, amount: session.money(outcome.hold), grantedMinutes: outcome.grantedMinutes, maxDurationSeconds, rate: outcome.rate, causationEventId: causationId },
      });
      const end = session.state.callEnds[callId];
      if (end) settle(session, callId, end);
    }
  }
}

/**
 * Settles a call the wallet admitted, once: releases its hold and charges its billed minutes.
 * Seconds past the granted maximum are not billed (telephony was told to cut the call there),
 * so a charge never exceeds its hold.
 */
function settle(session: Session, callId: string, end: CallEnd): void {
  const call = session.state.calls[callId];
  if (!call || call.status !== 'admitted' || call.funding !== 'credits' || !call.rate) return;
  const billable = Math.min(end.durationSeconds, call.maxDurationSeconds ?? 0);
  const cost = callCharge(call.rate, billable);
  session.emit({ type: 'HoldReleased', data: { callId, amount: session.money(call.hold), charged: cost > 0n, causationEventId: end.endEventId } });
  if (cost === 0n) return;
  charge(session, {
    callId,
    kind: 'call',
    causationEventId: end.endEventId,
    durationSeconds: end.durationSeconds,
    billedMinutes: new Exact(billedSeconds(billable, call.rate.increment)).dividedBy(60).toString(),
    unbilledSeconds: end.durationSeconds - billable,
    rate: call.rate,
    cost,
  });
}

/** Takes a charge from the lots oldest first; what they cannot cover is recorded as its shortfall. */
function charge(
  session: Session,
  details: Omit<WalletEventData<'CallCharged'>, 'cost' | 'amount' | 'shortfall' | 'lots' | 'balanceAfter'> & { cost: Minor; kind: ChargeKind },
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
      },
    },
    details.callId,
  );
}

/**
 * Minutes a pool-funded call ran past the pool: `uncoveredMinutes` × the destination's rate,
 * without connection fee and without hold. What cannot be billed is recorded, never dropped.
 */
function chargeOverflow(session: Session, command: Extract<WalletCommand, { type: 'ChargeOverflow' }>): void {
  const { callId, destinationCountry, uncoveredMinutes, causationId } = command;
  if (session.state.calls[callId]) return;
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

function startRechargeIfDue(session: Session, start: Minor, now: string): void {
  const recharge = session.state.autoRecharge;
  const reason = rechargeReason(recharge, start, session.balance, now, session.configured);
  if (!reason) return;
  session.emit({
    type: 'AutoRechargeRequested',
    data: {
      rechargeId: nameId(session.state.tenantId, 'recharge-request', String(recharge.requested + 1)),
      amount: session.money(recharge.amount!),
      triggerAmount: session.money(recharge.trigger!),
      balance: session.money(session.balance),
      reason,
      attempt: recharge.failures + 1,
    },
  });
}

const callOf = (state: WalletState, callId: string): WalletCall =>
  state.calls[callId] ?? { status: 'admitted', funding: null, hold: 0n, maxDurationSeconds: null, rate: null };

function withCall(state: WalletState, callId: string, change: Partial<WalletCall>): WalletState {
  return { ...state, calls: { ...state.calls, [callId]: { ...callOf(state, callId), ...change } } };
}

function withRecharge(state: WalletState, change: Partial<AutoRechargeState>): WalletState {
  return { ...state, autoRecharge: { ...state.autoRecharge, ...change } };
}

const optionalMinor = (value: Money | null): Minor | null => (value === null ? null : minorOf(value));

/** How each event changes the wallet (the read-model projection applies the same facts in SQL). */
export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'FundsAdded': {
      const { lotId, amount, purchasedAt, expiresAt, idempotencyKey } = event.data;
      const lot = { lotId, remaining: minorOf(amount), purchasedAt, expiresAt };
      const fundings = idempotencyKey ? { ...state.fundings, [idempotencyKey]: { lotId, amount: lot.remaining, currency: amount.currency } } : state.fundings;
      return { ...state, currency: state.currency ?? amount.currency, billingSetUp: true, lots: [...state.lots, lot], fundings };
    }
    case 'LotExpired':
      return { ...state, lots: state.lots.filter((lot) => lot.lotId !== event.data.lotId) };
    case 'CallCharged': {
      const lots = applyDraws(state.lots, event.data.lots.map((d) => ({ lotId: d.lotId, amount: minorOf(d.amount) })));
      const charged = { ...state, lots };
      return event.data.kind === 'pool-overflow' ? withCall(charged, event.data.callId, { status: 'overflow-charged' }) : charged;
    }
    case 'CallAdmitted':
      return withCall(state, event.data.callId, { status: 'admitted', funding: event.data.funding, maxDurationSeconds: event.data.maxDurationSeconds });
    case 'CallRejected':
      return withCall(state, event.data.callId, { status: 'rejected' });
    case 'HoldPlaced': {
      const { callId, amount, rate, maxDurationSeconds } = event.data;
      return withCall({ ...state, held: state.held + minorOf(amount) }, callId, { hold: minorOf(amount), rate, maxDurationSeconds });
    }
    case 'HoldReleased':
      return withCall({ ...state, held: state.held - minorOf(event.data.amount) }, event.data.callId, { status: 'settled' });
    case 'OverflowUnbilled':
      return withCall(state, event.data.callId, { status: 'overflow-unbilled' });
    case 'PaymentMethodSet':
      return withRecharge(state, { token: event.data.token, failures: 0, retryAt: null });
    case 'AutoRechargeConfigured':
      return withRecharge(state, {
        enabled: event.data.enabled,
        trigger: optionalMinor(event.data.triggerAmount),
        amount: optionalMinor(event.data.rechargeAmount),
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
    default:
      return state;
  }
}
