import { eventually } from '@comms-credits/testing';
import { http } from './http';

/** A dial-out policy grant as licensing learns it: a user's own (null: removed) or, without `userId`, the Global one. */
export interface LearnedGrant {
  userId?: string;
  policyName: string | null;
}

/**
 * Waits until licensing has learned a dial-out policy grant (`GET …/learned-dialout-policies`).
 * Licensing screens a tenant's calls in its own hop by the policies it has learned from
 * `dialout-policy.events`, so a grant applies to the calls started after it reached licensing
 * (docs/architecture.md, "Admission in fewer hops"): a test that grants a policy and then places
 * a call it must judge waits for this first, as telephony's users would wait the moment it takes.
 * It compares values only: a removal (null) of a policy licensing has not learned yet passes at
 * once, so wait for the grant before it first.
 */
export async function grantLearnedByLicensing(licensingUrl: string, tenantId: string, grant: LearnedGrant): Promise<void> {
  await eventually(
    async () => {
      const { status, body } = await http<{ globalPolicy: string | null; userPolicies: { userId: string; policyName: string }[] }>(
        'GET',
        `${licensingUrl}/tenants/${tenantId}/learned-dialout-policies`,
      );
      if (status !== 200) throw new Error(`licensing answered ${status}`);
      const learned = grant.userId === undefined ? body.globalPolicy : (body.userPolicies.find((p) => p.userId === grant.userId)?.policyName ?? null);
      if (learned !== grant.policyName) throw new Error(`licensing has ${learned} for ${grant.userId ?? 'the Global policy'}, not ${grant.policyName} yet`);
    },
    { message: `licensing did not learn the grant ${JSON.stringify(grant)} of ${tenantId}` },
  );
}
