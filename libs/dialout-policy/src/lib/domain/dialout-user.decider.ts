import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { DialoutPolicyName } from '@comms-credits/dialout-rules';
import { knownPolicyName } from './dialout-policy.errors';

/**
 * What this service knows of a user (stream `dialout-user:<tenant>:<userId>`): the policy
 * granted to them, and their usage location as licensing last said it. Licensing owns users;
 * this service keeps only the usage location, which stage 1 needs to tell domestic from
 * international. Calls that cannot be judged without it wait on this stream for it.
 */
export type DialoutUserEvent =
  /** null: the user's own policy is removed and the Global one applies. */
  | DomainEvent<'UserPolicyGranted', { userId: string; policyName: DialoutPolicyName | null }>
  | DomainEvent<'UsageLocationLearned', { userId: string; usageLocation: string | null }>
  /**
   * A call of the user waits for their usage location (its call stream says what it waits
   * for, and until when). Appended with the call's `CallAwaitingUsageLocation`, at the version
   * stage 1 judged: a usage location learned meanwhile is a version conflict, never a call
   * left waiting for a fact that has already come.
   */
  | DomainEvent<'UsageLocationAwaited', { userId: string; callId: string }>;

export type DialoutUserCommand =
  | { type: 'GrantUserPolicy'; userId: string; policyName: string | null }
  /** From licensing's `UserUpserted` (already validated as ISO 3166 alpha-2 or null). */
  | { type: 'LearnUsageLocation'; userId: string; usageLocation: string | null }
  | { type: 'AwaitUsageLocation'; userId: string; callId: string };

export interface DialoutUserState {
  /** The user's own policy; null: the Global policy applies. */
  policyName: DialoutPolicyName | null;
  /** null until licensing names one: calls whose verdict depends on it wait for it. */
  usageLocation: string | null;
  /**
   * Calls waiting for the usage location. Emptied when one is learned: those calls are judged
   * in the same transaction. A call that gave up waiting stays listed (judging it again is a
   * no-op on its decided stream).
   */
  awaitingCalls: readonly string[];
}

export const dialoutUserDecider: Decider<DialoutUserCommand, DialoutUserEvent, DialoutUserState> = {
  initialState: () => ({ policyName: null, usageLocation: null, awaitingCalls: [] }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'UserPolicyGranted':
        return { ...state, policyName: event.data.policyName };
      case 'UsageLocationLearned':
        return { ...state, usageLocation: event.data.usageLocation, awaitingCalls: event.data.usageLocation === null ? state.awaitingCalls : [] };
      case 'UsageLocationAwaited':
        return { ...state, awaitingCalls: [...state.awaitingCalls, event.data.callId] };
      default:
        return state;
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'GrantUserPolicy': {
        const { userId } = command;
        if (command.policyName === null) {
          return ok(state.policyName === null ? [] : [{ type: 'UserPolicyGranted', data: { userId, policyName: null } }]);
        }
        const policyName = knownPolicyName(command.policyName);
        if (!policyName.ok) return policyName;
        if (policyName.value === state.policyName) return ok([]);
        return ok([{ type: 'UserPolicyGranted', data: { userId, policyName: policyName.value } }]);
      }
      case 'LearnUsageLocation': {
        // Licensing republishes a user on every change (display name, …): record only what matters here.
        if (command.usageLocation === state.usageLocation) return ok([]);
        return ok([{ type: 'UsageLocationLearned', data: { userId: command.userId, usageLocation: command.usageLocation } }]);
      }
      case 'AwaitUsageLocation': {
        if (state.usageLocation !== null || state.awaitingCalls.includes(command.callId)) return ok([]);
        return ok([{ type: 'UsageLocationAwaited', data: { userId: command.userId, callId: command.callId } }]);
      }
    }
  },
};

export function dialoutUserStreamId(tenantId: string, userId: string): string {
  return `dialout-user:${tenantId}:${userId}`;
}
