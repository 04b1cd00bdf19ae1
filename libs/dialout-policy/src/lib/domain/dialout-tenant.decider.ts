import { Decider, DomainEvent, ok } from '@comms-credits/domain-kit';
import { DEFAULT_GLOBAL_POLICY, DialoutPolicyName } from './dialout-policy.catalogue';
import { knownPolicyName } from './dialout-policy.errors';

/** A tenant's Global dial-out policy (stream `dialout-tenant:<tenant>`). */
export type DialoutTenantEvent = DomainEvent<'GlobalPolicyGranted', { policyName: DialoutPolicyName }>;

/** Like `Grant-CsDialoutPolicy -Global`: per-user grants are left alone. */
export type DialoutTenantCommand = { type: 'GrantGlobalPolicy'; policyName: string };

export interface DialoutTenantState {
  /** null until an admin grants one: the default Global policy then applies. */
  globalPolicy: DialoutPolicyName | null;
}

export const dialoutTenantDecider: Decider<DialoutTenantCommand, DialoutTenantEvent, DialoutTenantState> = {
  initialState: () => ({ globalPolicy: null }),

  evolve: (state, event) => (event.type === 'GlobalPolicyGranted' ? { globalPolicy: event.data.policyName } : state),

  decide: (command, state) => {
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
