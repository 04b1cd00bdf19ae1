import {
  ASSIGNMENT_TARGETS,
  AssignmentTarget,
  Envelope,
  Money,
  Sku,
  TollFreeNumberAcquiredV1,
  TollFreeNumberAssignedV1,
  TollFreeNumberReleasedV1,
  TollFreeNumbersResumedV1,
  TollFreeNumbersSuspendedV1,
} from '@comms-credits/contracts';
import { Decider, DomainError, DomainEvent, fail, ok } from '@comms-credits/domain-kit';
import Decimal from 'decimal.js';
import { Seats, countsTowardsQuota, licencesCounted, tollFreeQuota } from './quota';
import { TollFreeErrors } from './toll-free.errors';

/** What a number can be assigned to (the contract's). */
export { ASSIGNMENT_TARGETS };
export type { AssignmentTarget };

export interface Assignment {
  target: AssignmentTarget;
  targetId: string;
}

/**
 * A tenant's toll-free account (stream `toll-free-account:<tenant>`): the numbers it holds and
 * the facts their rules depend on, learnt from other services' events — the seats that set the
 * quota, and whether the wallet can pay. The `Observed` events are internal (they make the
 * learnt facts part of the store, so every read model can be rebuilt); the others are published
 * on `toll-free.events`.
 */
export type TollFreeAccountEvent =
  | DomainEvent<'QuotaSeatsObserved', { sku: Sku; seats: number }>
  | DomainEvent<'WalletFundingObserved', { balance: Money; billingSetUp: boolean; positive: boolean }>
  | DomainEvent<'TollFreeNumberAcquired', Omit<TollFreeNumberAcquiredV1, keyof Envelope>>
  | DomainEvent<'TollFreeNumberAssigned', Omit<TollFreeNumberAssignedV1, keyof Envelope>>
  | DomainEvent<'TollFreeNumberReleased', Omit<TollFreeNumberReleasedV1, keyof Envelope>>
  | DomainEvent<'TollFreeNumbersSuspended', Omit<TollFreeNumbersSuspendedV1, keyof Envelope>>
  | DomainEvent<'TollFreeNumbersResumed', Omit<TollFreeNumbersResumedV1, keyof Envelope>>;

export type TollFreeAccountCommand =
  | { type: 'ObserveSeats'; sku: Sku; seats: number }
  | { type: 'ObserveWallet'; balance: Money; billingSetUp: boolean }
  /** `number` is the free number of `country` the caller picked (and locked), null when none is left. */
  | { type: 'Acquire'; country: string; number: string | null }
  | ({ type: 'Assign'; number: string } & Assignment)
  | { type: 'Release'; number: string };

export interface HeldNumber {
  country: string;
  assignment: Assignment | null;
}

export interface TollFreeAccountState {
  seats: Seats;
  wallet: { billingSetUp: boolean; positive: boolean };
  suspended: boolean;
  numbers: Readonly<Record<string, HeldNumber>>;
}

export function isPositive(balance: Money): boolean {
  return new Decimal(balance.amount).gt(0);
}

export const tollFreeAccountDecider: Decider<TollFreeAccountCommand, TollFreeAccountEvent, TollFreeAccountState> = {
  initialState: () => ({ seats: {}, wallet: { billingSetUp: false, positive: false }, suspended: false, numbers: {} }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'QuotaSeatsObserved':
        return { ...state, seats: { ...state.seats, [event.data.sku]: event.data.seats } };
      case 'WalletFundingObserved':
        return { ...state, wallet: { billingSetUp: event.data.billingSetUp, positive: event.data.positive } };
      case 'TollFreeNumberAcquired':
        return withNumber(state, event.data.number, { country: event.data.country, assignment: null });
      case 'TollFreeNumberAssigned': {
        const { number, country, target, targetId } = event.data;
        return withNumber(state, number, { country, assignment: { target, targetId } });
      }
      case 'TollFreeNumberReleased': {
        const { [event.data.number]: _released, ...numbers } = state.numbers;
        return { ...state, numbers };
      }
      case 'TollFreeNumbersSuspended':
        return { ...state, suspended: true };
      case 'TollFreeNumbersResumed':
        return { ...state, suspended: false };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'ObserveSeats':
        if (!countsTowardsQuota(command.sku) || (state.seats[command.sku] ?? 0) === command.seats) return ok([]);
        return ok([{ type: 'QuotaSeatsObserved', data: { sku: command.sku, seats: command.seats } }]);
      case 'ObserveWallet':
        return ok(observeWallet(command.balance, command.billingSetUp, state));
      case 'Acquire':
        return acquire(command.country, command.number, state);
      case 'Assign': {
        const held = state.numbers[command.number];
        if (!held) return fail(TollFreeErrors.numberNotFound(command.number));
        const { number, target, targetId } = command;
        if (held.assignment?.target === target && held.assignment.targetId === targetId) return ok([]);
        return ok([{ type: 'TollFreeNumberAssigned', data: { number, country: held.country, target, targetId } }]);
      }
      case 'Release': {
        const held = state.numbers[command.number];
        if (!held) return fail(TollFreeErrors.numberNotFound(command.number));
        return ok([{ type: 'TollFreeNumberReleased', data: { number: command.number, country: held.country } }]);
      }
    }
  },
};

/**
 * Why the account cannot take another number whichever it is: no positive balance, or no room
 * in the quota (checked in that order). Null when it can.
 */
export function acquisitionRefusal(state: TollFreeAccountState): DomainError | null {
  if (!state.wallet.positive) return TollFreeErrors.requiresCredits(state.wallet.billingSetUp);
  const licences = licencesCounted(state.seats);
  const quota = tollFreeQuota(licences);
  const held = Object.keys(state.numbers).length;
  return held >= quota ? TollFreeErrors.quotaReached(quota, licences, held) : null;
}

/** Acquisition needs a positive balance, room in the quota and a free number, checked in that order. */
function acquire(country: string, number: string | null, state: TollFreeAccountState) {
  const refusal = acquisitionRefusal(state);
  if (refusal) return fail(refusal);
  if (number === null) return fail(TollFreeErrors.noneAvailable(country));
  return ok<TollFreeAccountEvent[]>([{ type: 'TollFreeNumberAcquired', data: { number, country } }]);
}

/**
 * Records the wallet only when what the rules read of it changes (it changes on every charged
 * call), and suspends the numbers when it can no longer pay — resuming them when it can again.
 * A tenant without numbers has nothing to suspend.
 */
function observeWallet(balance: Money, billingSetUp: boolean, state: TollFreeAccountState): TollFreeAccountEvent[] {
  const positive = isPositive(balance);
  const events: TollFreeAccountEvent[] = [];
  if (positive !== state.wallet.positive || billingSetUp !== state.wallet.billingSetUp) {
    events.push({ type: 'WalletFundingObserved', data: { balance, billingSetUp, positive } });
  }
  const numbers = Object.keys(state.numbers).sort();
  if (!positive && !state.suspended && numbers.length > 0) events.push({ type: 'TollFreeNumbersSuspended', data: { numbers, balance } });
  if (positive && state.suspended) events.push({ type: 'TollFreeNumbersResumed', data: { numbers, balance } });
  return events;
}

function withNumber(state: TollFreeAccountState, number: string, held: HeldNumber): TollFreeAccountState {
  return { ...state, numbers: { ...state.numbers, [number]: held } };
}
