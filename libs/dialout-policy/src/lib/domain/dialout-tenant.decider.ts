import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { DEFAULT_GLOBAL_POLICY, DialoutPolicyName } from '@comms-credits/dialout-rules';
import { knownPolicyName } from './dialout-policy.errors';

/** A user's own policy, as a restatement lists it. */
export interface UserPolicy {
  userId: string;
  policyName: DialoutPolicyName;
}

/**
 * Users' own policies per `DialoutPoliciesRestated`: a consumer refuses a message over 64 KiB,
 * and an entry is at most ~190 bytes (a 128-character user id).
 */
export const RESTATED_USERS_PER_EVENT = 200;

/**
 * The restatement's edition: a tenant restated by an older edition is restated again. Session 8
 * restated tenants before licensing learned restatements (edition 1, unmarked): licensing's
 * replica, started in session 9, never saw those.
 */
export const RESTATEMENT_EDITION = 2;

/** A tenant's Global dial-out policy (stream `dialout-tenant:<tenant>`). */
export type DialoutTenantEvent =
  | DomainEvent<'GlobalPolicyGranted', { policyName: DialoutPolicyName }>
  /**
   * The policies in force, stated once for a tenant whose grants were made before they were
   * published (one-hop admission, step 1): the Global one (null: never granted, the default
   * applies) and every user's own, in pages of RESTATED_USERS_PER_EVENT, appended together.
   */
  | DomainEvent<
      'DialoutPoliciesRestated',
      { globalPolicy: DialoutPolicyName | null; userPolicies: UserPolicy[]; page: number; pages: number; edition?: number }
    >;

export type DialoutTenantCommand =
  /** Like `Grant-CsDialoutPolicy -Global`: per-user grants are left alone. */
  | { type: 'GrantGlobalPolicy'; policyName: string }
  /** States the policies in force unless they were stated already (read under the tenant's lock). */
  | { type: 'RestatePolicies'; userPolicies: UserPolicy[] };

export interface DialoutTenantState {
  /** null until an admin grants one: the default Global policy then applies. */
  globalPolicy: DialoutPolicyName | null;
  /**
   * The edition of the last restatement of the policies in force (0: none; 1: session 8's,
   * unmarked); every grant after it is published anyway.
   */
  restatedEdition: number;
}

export const dialoutTenantDecider: Decider<DialoutTenantCommand, DialoutTenantEvent, DialoutTenantState> = {
  initialState: () => ({ globalPolicy: null, restatedEdition: 0 }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'GlobalPolicyGranted':
        return { ...state, globalPolicy: event.data.policyName };
      case 'DialoutPoliciesRestated':
        return { ...state, restatedEdition: event.data.edition ?? 1 };
      default:
        return state;
    }
  },

  decide: (command, state) => {
    if (command.type === 'RestatePolicies') {
      if (state.restatedEdition >= RESTATEMENT_EDITION) return ok([]);
      const users = [...command.userPolicies].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
      const pages = Math.max(1, Math.ceil(users.length / RESTATED_USERS_PER_EVENT));
      return ok(
        Array.from({ length: pages }, (_, i) => ({
          type: 'DialoutPoliciesRestated' as const,
          data: {
            globalPolicy: state.globalPolicy,
            userPolicies: users.slice(i * RESTATED_USERS_PER_EVENT, (i + 1) * RESTATED_USERS_PER_EVENT),
            page: i + 1,
            pages,
            edition: RESTATEMENT_EDITION,
          },
        })),
      );
    }
    const policyName = knownPolicyName(command.policyName);
    if (!policyName.ok) return policyName;
    // Granting the policy already in force changes nothing, so it records nothing (a retried PUT is harmless).
    if (policyName.value === (state.globalPolicy ?? DEFAULT_GLOBAL_POLICY)) return ok([]);
    return ok([{ type: 'GlobalPolicyGranted', data: { policyName: policyName.value } }]);
  },
};

export function dialoutTenantStreamId(tenantId: string): string {
  return `dialout-tenant:${tenantId}`;
}
