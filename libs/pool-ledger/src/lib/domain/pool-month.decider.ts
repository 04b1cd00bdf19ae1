import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

export const THRESHOLDS = [80, 100] as const;

/**
 * A tenant's pool in one calendar month (stream `pool:<tenant>:<YYYY-MM>`). Debits never take
 * the pool below zero: what it can't cover is reported as uncovered, for the wallet. Used
 * minutes are never given back; a new month starts empty.
 */
export type PoolMonthEvent =
  | DomainEvent<
      'PoolMinutesDebited',
      { month: string; callId: string; minutes: number; poolMinutes: number; uncoveredMinutes: number; usedMinutes: number; capacityMinutes: number }
    >
  | DomainEvent<'PoolUsageThresholdReached', { month: string; thresholdPercent: 80 | 100; usedMinutes: number; capacityMinutes: number }>;

export type PoolMonthCommand = { type: 'Debit'; month: string; callId: string; minutes: number; capacityMinutes: number };

export interface PoolMonthState {
  usedMinutes: number;
  thresholdsReached: readonly number[];
}

export const poolMonthDecider: Decider<PoolMonthCommand, PoolMonthEvent, PoolMonthState> = {
  initialState: () => ({ usedMinutes: 0, thresholdsReached: [] }),
  evolve: (state, event) =>
    event.type === 'PoolMinutesDebited'
      ? { ...state, usedMinutes: event.data.usedMinutes }
      : { ...state, thresholdsReached: [...state.thresholdsReached, event.data.thresholdPercent] },
  decide: ({ month, callId, minutes, capacityMinutes }, state) => {
    const poolMinutes = Math.min(minutes, Math.max(capacityMinutes - state.usedMinutes, 0));
    const usedMinutes = state.usedMinutes + poolMinutes;
    const debited: PoolMonthEvent = {
      type: 'PoolMinutesDebited',
      data: { month, callId, minutes, poolMinutes, uncoveredMinutes: minutes - poolMinutes, usedMinutes, capacityMinutes },
    };
    const crossed = THRESHOLDS.filter(
      (percent) => capacityMinutes > 0 && !state.thresholdsReached.includes(percent) && usedMinutes * 100 >= percent * capacityMinutes,
    ).map(
      (thresholdPercent): PoolMonthEvent => ({
        type: 'PoolUsageThresholdReached',
        data: { month, thresholdPercent, usedMinutes, capacityMinutes },
      }),
    );
    return ok([debited, ...crossed]);
  },
};
