import { Injectable } from '@nestjs/common';
import { DomainError, Result } from '@comms-credits/domain-kit';
import { EventStore, Handled, Transactions, decideAndAppend, handleCommand, retryOnVersionConflict } from '@comms-credits/event-store';
import { DialoutTenantState, dialoutTenantDecider } from '../domain/dialout-tenant.decider';
import { DialoutUserState, dialoutUserDecider } from '../domain/dialout-user.decider';
import { dialoutTenantStream, dialoutUserStream, lockTenantPolicies } from './dialout-policy.streams';

/**
 * The two grants of `Grant-CsDialoutPolicy`, each a command in its own transaction (retried on
 * a version conflict). An unknown policy name comes back as DIALOUT_POLICY.UNKNOWN_POLICY.
 */
@Injectable()
export class DialoutPolicyCommands {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
  ) {}

  /** The tenant's Global policy; per-user grants stay as they are. */
  grantGlobal(tenantId: string, policyName: string): Promise<Result<Handled<DialoutTenantState>, DomainError>> {
    return handleCommand(this.transactions, this.store, dialoutTenantStream(tenantId), dialoutTenantDecider, {
      type: 'GrantGlobalPolicy',
      policyName,
    });
  }

  /**
   * A user's own policy; null removes it, and the Global policy applies again. Under the
   * tenant's policy lock, taken first, so a restatement running meanwhile either sees this
   * grant or is published before it (lockTenantPolicies).
   */
  grantUser(tenantId: string, userId: string, policyName: string | null): Promise<Result<Handled<DialoutUserState>, DomainError>> {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        await lockTenantPolicies(sql, [tenantId]);
        return decideAndAppend(sql, this.store, dialoutUserStream(tenantId, userId), dialoutUserDecider, { type: 'GrantUserPolicy', userId, policyName });
      }),
    );
  }
}
