import { CallEnded, CallStarted, CallType } from '@comms-credits/contracts';
import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';

/**
 * What a service saw of a call: its start and its end, each recorded once however often and
 * in whatever order telephony delivers them. Services add their own decisions to the same
 * stream; this is the common part.
 */
export type CallLogEvent =
  | DomainEvent<
      'CallStartObserved',
      {
        callId: string;
        callType: CallType;
        userId: string | null;
        from: string;
        to: string;
        meetingId: string | null;
        startedAt: string;
        sourceEventId: string;
      }
    >
  | DomainEvent<'CallEndObserved', { callId: string; durationSeconds: number; endedAt: string; sourceEventId: string }>;

export type CallStartObserved = Extract<CallLogEvent, { type: 'CallStartObserved' }>;
export type CallEndObserved = Extract<CallLogEvent, { type: 'CallEndObserved' }>;

export type CallLogCommand = { type: 'ObserveStart'; event: CallStarted } | { type: 'ObserveEnd'; event: CallEnded };

export interface CallLogState {
  started: boolean;
  ended: boolean;
}

export const callLogDecider: Decider<CallLogCommand, CallLogEvent, CallLogState> = {
  initialState: () => ({ started: false, ended: false }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'CallStartObserved':
        return { ...state, started: true };
      case 'CallEndObserved':
        return { ...state, ended: true };
      default:
        return state;
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'ObserveStart': {
        if (state.started) return ok([]);
        const e = command.event;
        return ok([
          {
            type: 'CallStartObserved',
            data: {
              callId: e.callId,
              callType: e.callType,
              userId: e.userId ?? null,
              from: e.from,
              to: e.to,
              meetingId: e.meetingId ?? null,
              startedAt: e.occurredAt,
              sourceEventId: e.eventId,
            },
          },
        ]);
      }
      case 'ObserveEnd': {
        if (state.ended) return ok([]);
        const e = command.event;
        return ok([
          {
            type: 'CallEndObserved',
            data: { callId: e.callId, durationSeconds: e.durationSeconds, endedAt: e.occurredAt, sourceEventId: e.eventId },
          },
        ]);
      }
    }
  },
};
