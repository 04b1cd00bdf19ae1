/** What apps and tests import: the service definition (apps/dialout-policy, system-e2e, ops-console-e2e). */
export { dialoutPolicyService } from './lib/dialout-policy.service';
