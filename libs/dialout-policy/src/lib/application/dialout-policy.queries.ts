import { Injectable } from '@nestjs/common';
import { Transactions } from '@comms-credits/event-store';
import { CpcControl, DialoutPolicyName, PstnControl, policyNamed } from '@comms-credits/dialout-rules';
import { DialoutControl } from '@comms-credits/dialout-rules';
import { PolicySource, effectivePolicy } from '@comms-credits/dialout-rules';

export interface GlobalPolicy {
  policyName: DialoutPolicyName;
  cpc: CpcControl;
  pstn: PstnControl;
}

export interface UserPolicy extends GlobalPolicy {
  source: PolicySource;
  /**
   * As licensing last said it; null when unknown (a call whose verdict needs it then waits for
   * it, and is refused as UNKNOWN_USER if it never comes).
   */
  usageLocation: string | null;
}

export interface PolicyCalls {
  policyName: string;
  control: DialoutControl;
  cleared: number;
  blocked: number;
  invalidNumber: number;
  unknownUser: number;
}

/** A call waiting for its user's usage location. */
export interface AwaitingCall {
  callId: string;
  userId: string;
  callType: string;
  to: string;
  control: DialoutControl;
  policyName: string;
  since: string;
  deadline: string;
}

interface PolicyCallsRow {
  policy_name: string;
  control: DialoutControl;
  cleared: string;
  blocked: string;
  invalid_number: string;
  unknown_user: string;
}

/** The read models behind the GET endpoints. */
@Injectable()
export class DialoutPolicyQueries {
  constructor(private readonly transactions: Transactions) {}

  /** The tenant's Global policy: the one granted, or the default. */
  async globalPolicy(tenantId: string): Promise<GlobalPolicy> {
    const [row] = await this.transactions.query<{ policy_name: DialoutPolicyName }>(`SELECT policy_name FROM rm_dialout_tenant_policy WHERE tenant_id = $1`, [
      tenantId,
    ]);
    return describe(effectivePolicy(null, row?.policy_name ?? null).policy.name);
  }

  /** A user's effective policy; a user never seen gets the Global one. */
  async userPolicy(tenantId: string, userId: string): Promise<UserPolicy> {
    const [row] = await this.transactions.query<{
      user_policy: DialoutPolicyName | null;
      global_policy: DialoutPolicyName | null;
      usage_location: string | null;
    }>(
      `SELECT u.policy_name AS user_policy, u.usage_location, t.policy_name AS global_policy
       FROM (SELECT $1::text AS tenant_id, $2::text AS user_id) k
       LEFT JOIN rm_dialout_user u USING (tenant_id, user_id)
       LEFT JOIN rm_dialout_tenant_policy t USING (tenant_id)`,
      [tenantId, userId],
    );
    const { policy, source } = effectivePolicy(row?.user_policy ?? null, row?.global_policy ?? null);
    return { ...describe(policy.name), source, usageLocation: row?.usage_location ?? null };
  }

  /** Stage 1's decisions per policy and control, most used policy first. */
  async policyCalls(tenantId: string): Promise<PolicyCalls[]> {
    const rows = await this.transactions.query<PolicyCallsRow>(
      `SELECT policy_name, control, cleared, blocked, invalid_number, unknown_user FROM rm_dialout_policy_calls
       WHERE tenant_id = $1 ORDER BY cleared + blocked + invalid_number + unknown_user DESC, policy_name, control`,
      [tenantId],
    );
    return rows.map((row) => ({
      policyName: row.policy_name,
      control: row.control,
      cleared: Number(row.cleared),
      blocked: Number(row.blocked),
      invalidNumber: Number(row.invalid_number),
      unknownUser: Number(row.unknown_user),
    }));
  }

  /** Calls waiting for their user's usage location, the next deadline first. */
  async awaitingCalls(tenantId: string): Promise<AwaitingCall[]> {
    const rows = await this.transactions.query<Record<string, unknown>>(
      `SELECT call_id, user_id, call_type, to_number, control, policy_name, since, deadline FROM rm_dialout_awaiting_calls
       WHERE tenant_id = $1 ORDER BY deadline, call_id`,
      [tenantId],
    );
    return rows.map(awaitingCallOf);
  }
}

function awaitingCallOf(row: Record<string, unknown>): AwaitingCall {
  return {
    callId: String(row['call_id']),
    userId: String(row['user_id']),
    callType: String(row['call_type']),
    to: String(row['to_number']),
    control: row['control'] as DialoutControl,
    policyName: String(row['policy_name']),
    since: (row['since'] as Date).toISOString(),
    deadline: (row['deadline'] as Date).toISOString(),
  };
}

function describe(policyName: DialoutPolicyName): GlobalPolicy {
  const { cpc, pstn } = policyNamed(policyName);
  return { policyName, cpc, pstn };
}
