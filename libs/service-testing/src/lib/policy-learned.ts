import { eventually } from '@comms-credits/testing';
import { http } from './http';

/** A dial-out policy grant as licensing learns it: a user's own (null: removed) or, without `userId`, the Global one. */
export interface LearnedGrant {
  userId?: string;
  policyName: string | null;
}

/**
 * Waits until every admission service at `urls` (licensing, and the pool since session 10) has
 * learned a dial-out policy grant (`GET …/learned-dialout-policies`). They screen a tenant's calls
 * in their own hop by the policies they have learned from `dialout-policy.events`, so a grant
 * applies to the calls started after it reached them (docs/architecture.md, "Admission in fewer
 * hops"): a test that grants a policy and then places a call it must judge waits for this first,
 * as telephony's users would wait the moment it takes. It compares values only: a removal (null)
 * of a policy not learned yet passes at once, so wait for the grant before it first.
 */
export async function grantLearned(urls: string[], tenantId: string, grant: LearnedGrant): Promise<void> {
  for (const url of urls) {
    await eventually(
      async () => {
        const { status, body } = await http<{ globalPolicy: string | null; userPolicies: { userId: string; policyName: string }[] }>(
          'GET',
          `${url}/tenants/${tenantId}/learned-dialout-policies`,
        );
        if (status !== 200) throw new Error(`${url} answered ${status}`);
        const learned = grant.userId === undefined ? body.globalPolicy : (body.userPolicies.find((p) => p.userId === grant.userId)?.policyName ?? null);
        if (learned !== grant.policyName) throw new Error(`${url} has ${learned} for ${grant.userId ?? 'the Global policy'}, not ${grant.policyName} yet`);
      },
      { message: `${url} did not learn the grant ${JSON.stringify(grant)} of ${tenantId}` },
    );
  }
}

/** `grantLearned` of licensing alone (a test system without the pool). */
export function grantLearnedByLicensing(licensingUrl: string, tenantId: string, grant: LearnedGrant): Promise<void> {
  return grantLearned([licensingUrl], tenantId, grant);
}
