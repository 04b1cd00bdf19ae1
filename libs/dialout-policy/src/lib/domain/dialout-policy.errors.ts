import { DomainError, Result, fail, ok } from '@comms-credits/domain-kit';
import { DIALOUT_POLICY_NAMES, DialoutPolicyName, isDialoutPolicyName } from '@comms-credits/dialout-rules';

/** Refusals of the dial-out policy service, with stable codes (mapped to HTTP at the edge). */
export const DialoutPolicyErrors = {
  /**
   * A grant names a policy that does not exist. Bad input (400), not a business rule: the
   * catalogue is fixed, so the caller can only have mistyped it. The detail lists the names,
   * as `Grant-CsDialoutPolicy` does, so the admin can pick one.
   */
  unknownPolicy: (name: string) =>
    new DomainError(
      'DIALOUT_POLICY.UNKNOWN_POLICY',
      `${JSON.stringify(name)} is not a dial-out policy; valid names: ${DIALOUT_POLICY_NAMES.join(', ')}`,
      'invalid',
      {
        invalidParams: [{ name: 'policyName', reason: `unknown dial-out policy ${JSON.stringify(name)}` }],
        validPolicyNames: DIALOUT_POLICY_NAMES,
      },
    ),
};

/** The name as a catalogue name, or the refusal that lists the valid ones. */
export function knownPolicyName(name: string): Result<DialoutPolicyName> {
  return isDialoutPolicyName(name) ? ok(name) : fail(DialoutPolicyErrors.unknownPolicy(name));
}
