import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { DialoutPolicyName } from './dialout-policy.catalogue';
import { knownPolicyName } from './dialout-policy.errors';

/**
 * What this service knows of a user (stream `dialout-user:<tenant>:<userId>`): the policy
 * granted to them, and their usage location as licensing last said it. Licensing owns users;
 * this service keeps only the usage location, which stage 1 needs to tell domestic from
 * international.
 */
export type DialoutUserEvent =
  /** null: the user's own policy is removed and the Global one applies. */
  | DomainEvent<'UserPolicyGranted', { userId: string; policyName: DialoutPolicyName | null }>
  | DomainEvent<'UsageLocationLearned', { userId: string; usageLocation: string | null }>;

export type DialoutUserCommand =
  | { type: 'GrantUserPolicy'; userId: string; policyName: string | null }
  /** From licensing's `UserUpserted` (already validated as ISO 3166 alpha-2 or null). */
  | { type: 'LearnUsageLocation'; userId: string; usageLocation: string | null };

export interface DialoutUserState {
  /** The user's own policy; null: the Global policy applies. */
  policyName: DialoutPolicyName | null;
  /** null until licensing names one: such a user's calls cannot be judged. */
  usageLocation: string | null;
}

export const dialoutUserDecider: Decider<DialoutUserCommand, DialoutUserEvent, DialoutUserState> = {
  initialState: () => ({ policyName: null, usageLocation: null }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'UserPolicyGranted':
        return { ...state, policyName: event.data.policyName };
      case 'UsageLocationLearned':
        return { ...state, usageLocation: event.data.usageLocation };
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
    }
  },
};

export function dialoutUserStreamId(tenantId: string, userId: string): string {
  return `dialout-user:${tenantId}:${userId}`;
}
