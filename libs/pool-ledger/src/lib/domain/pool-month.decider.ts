import { Envelope, PoolMonthChangedV1, PoolUsageThresholdReachedV1 } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

export const THRESHOLDS = [80, 100] as const;

/**
 * A tenant's pool in one calendar month (stream `pool:<tenant>:<YYYY-MM>`), the single home of
 * the pool's money rules (domain.md, "The pool reserves what it grants"):
 * - admission reserves at most the *unreserved* minutes (capacity − used − reserved), so calls
 *   in progress together never hold more minutes than remain;
 * - settlement debits a call's minutes up to its reservation and releases the rest;
 * - a reservation whose call never reports its end is released when it expires;
 * - used minutes never exceed the capacity and are never given back; a new month starts empty.
 * Every command on the month is serialized by the stream's version, across partitions and
 * instances. The state stays small (the reservations of calls in progress, not every call of
 * the month), so it is kept as a snapshot beside the stream: a repeated command is caught by
 * the call's own stream (decided once, settled once) in the same transaction.
 */
/** The month's running totals as the contract publishes them (`PoolMonthChangedV1`), with what each event adds. */
type MonthChanged = Omit<PoolMonthChangedV1, keyof Envelope>;

export type PoolMonthEvent =
  | DomainEvent<'PoolMinutesReserved', MonthChanged & { minutes: number; reservedMinutes: number; capacityMinutes: number }>
  | DomainEvent<
      'PoolMinutesDebited',
      MonthChanged & {
        /** The call's minutes the pool was asked to cover. */
        minutes: number;
        poolMinutes: number;
        uncoveredMinutes: number;
        /** Of the call's reservation, what was released unused (0 without a reservation). */
        releasedMinutes?: number;
        /** Minutes still reserved by other calls after this one. */
        reservedMinutes?: number;
        capacityMinutes: number;
      }
    >
  | DomainEvent<'PoolReservationExpired', MonthChanged & { minutes: number; reservedMinutes: number }>
  | DomainEvent<'PoolUsageThresholdReached', Omit<PoolUsageThresholdReachedV1, keyof Envelope>>;

export type PoolMonthCommand =
  /** Reserve up to `wantedMinutes` for a call being admitted (idempotent per call). */
  | { type: 'Reserve'; month: string; callId: string; wantedMinutes: number; capacityMinutes: number }
  /** Debit a call's `minutes` (its pool share), from its reservation if it still has one. */
  | { type: 'Debit'; month: string; callId: string; minutes: number; capacityMinutes: number }
  /** Release the reservation of a call whose end never came. */
  | { type: 'ExpireReservation'; month: string; callId: string };

export interface PoolMonthState {
  usedMinutes: number;
  /** Minutes reserved by calls in progress, by call. */
  reservations: Readonly<Record<string, number>>;
  thresholdsReached: readonly number[];
}

export const reservedMinutesOf = (state: PoolMonthState): number => Object.values(state.reservations).reduce((sum, m) => sum + m, 0);

/** What admission may still reserve: capacity − used − reserved, never below zero. */
export const unreservedMinutesOf = (state: PoolMonthState, capacityMinutes: number): number =>
  Math.max(capacityMinutes - state.usedMinutes - reservedMinutesOf(state), 0);

const without = (reservations: Readonly<Record<string, number>>, callId: string) => {
  const { [callId]: _released, ...rest } = reservations;
  return rest;
};

export const poolMonthDecider: Decider<PoolMonthCommand, PoolMonthEvent, PoolMonthState> = {
  initialState: () => ({ usedMinutes: 0, reservations: {}, thresholdsReached: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'PoolMinutesReserved':
        return { ...state, reservations: { ...state.reservations, [event.data.callId]: event.data.minutes } };
      case 'PoolMinutesDebited':
        return { ...state, usedMinutes: event.data.usedMinutes, reservations: without(state.reservations, event.data.callId) };
      case 'PoolReservationExpired':
        return { ...state, reservations: without(state.reservations, event.data.callId) };
      case 'PoolUsageThresholdReached':
        return { ...state, thresholdsReached: [...state.thresholdsReached, event.data.thresholdPercent] };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Reserve':
        return ok(reserve(command, state));
      case 'Debit':
        return ok(debit(command, state));
      case 'ExpireReservation': {
        const minutes = state.reservations[command.callId];
        if (minutes === undefined) return ok([]);
        const reservedMinutes = reservedMinutesOf(state) - minutes;
        return ok<PoolMonthEvent[]>([
          { type: 'PoolReservationExpired', data: { month: command.month, callId: command.callId, minutes, reservedMinutes, usedMinutes: state.usedMinutes } },
        ]);
      }
    }
  },
};

function reserve({ month, callId, wantedMinutes, capacityMinutes }: Extract<PoolMonthCommand, { type: 'Reserve' }>, state: PoolMonthState): PoolMonthEvent[] {
  if (state.reservations[callId] !== undefined) return [];
  const minutes = Math.min(wantedMinutes, unreservedMinutesOf(state, capacityMinutes));
  if (minutes <= 0) return [];
  const reservedMinutes = reservedMinutesOf(state) + minutes;
  return [{ type: 'PoolMinutesReserved', data: { month, callId, minutes, reservedMinutes, usedMinutes: state.usedMinutes, capacityMinutes } }];
}

/**
 * A call's own reservation covers it (up to the capacity: a pool lowered mid-month covers
 * nothing more); a call without one (it expired) takes what is unreserved now. What the pool
 * cannot cover is `uncoveredMinutes`, for the wallet.
 */
function debit({ month, callId, minutes, capacityMinutes }: Extract<PoolMonthCommand, { type: 'Debit' }>, state: PoolMonthState): PoolMonthEvent[] {
  const reservation = state.reservations[callId];
  const othersReserved = reservedMinutesOf(state) - (reservation ?? 0);
  const room = Math.max(capacityMinutes - state.usedMinutes - (reservation === undefined ? othersReserved : 0), 0);
  const poolMinutes = Math.min(minutes, reservation ?? minutes, room);
  const usedMinutes = state.usedMinutes + poolMinutes;
  const debited: PoolMonthEvent = {
    type: 'PoolMinutesDebited',
    data: {
      month,
      callId,
      minutes,
      poolMinutes,
      uncoveredMinutes: minutes - poolMinutes,
      releasedMinutes: reservation === undefined ? 0 : reservation - poolMinutes,
      usedMinutes,
      reservedMinutes: othersReserved,
      capacityMinutes,
    },
  };
  const crossed = THRESHOLDS.filter(
    (percent) => capacityMinutes > 0 && !state.thresholdsReached.includes(percent) && usedMinutes * 100 >= percent * capacityMinutes,
  ).map((thresholdPercent): PoolMonthEvent => ({ type: 'PoolUsageThresholdReached', data: { month, thresholdPercent, usedMinutes, capacityMinutes } }));
  return [debited, ...crossed];
}
