import { DEFAULT_GLOBAL_POLICY, DialoutPolicyName, PolicyDefinition, policyNamed } from './dialout-policy.catalogue';

export type PolicySource = 'user' | 'global';

export interface EffectivePolicy {
  policy: PolicyDefinition;
  /** `user`: the user's own grant; `global`: the tenant's Global policy (granted or default). */
  source: PolicySource;
}

/**
 * The policy that judges a user's calls (domain.md): their own when they have one, else the
 * tenant's Global policy, else the default Global policy of a tenant that never granted one.
 * One function for stage 1 and the HTTP query, so the two can never disagree.
 */
export function effectivePolicy(userPolicy: DialoutPolicyName | null, globalPolicy: DialoutPolicyName | null): EffectivePolicy {
  if (userPolicy !== null) return { policy: policyNamed(userPolicy), source: 'user' };
  return { policy: policyNamed(globalPolicy ?? DEFAULT_GLOBAL_POLICY), source: 'global' };
}
