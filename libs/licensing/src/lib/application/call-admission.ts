import { Injectable } from '@nestjs/common';
import { CallStarted, Sku } from '@comms-credits/contracts';
import { callStream } from '@comms-credits/call-log';
import { OutboundCallStarted, isOutboundCallStarted, referredCallOf } from '@comms-credits/dialout-rules';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { LearnedFacts, screeningInputsOf } from '@comms-credits/licensing-rules';
import { CallEntitlementCommand, ReferredCall, callEntitlementDecider } from '../domain/call-entitlement.decider';
import { USERS_RESTATEMENT_EDITION, licensedUsersDecider } from '../domain/licensed-users.decider';
import { licensedUsersStream, lockTenantUsers } from './licensing.streams';

/**
 * Admission stages 1 and 2 in licensing's hop, as calls start, inside the consumed chunk's
 * transaction (docs/architecture.md, "Admission in fewer hops"): an outbound call whose tenant's
 * dial-out policies licensing has learned, and whose user it knows with a usage location, is
 * screened by the dial-out policy rules and entitled by the licences in one decision; any other
 * is referred to the dial-out policy service (`CallReferred`), which screens it and clears it
 * back to stage 2 as before. Each call is screened once, here or there: the dial-out policy
 * service screens only the calls referred to it.
 */
@Injectable()
export class CallAdmission {
  constructor(private readonly store: EventStore) {}

  async admit(sql: SqlClient, events: CallStarted[]): Promise<void> {
    const calls = events.filter(isOutboundCallStarted);
    if (calls.length === 0) return;
    const facts = await admissionFactsOf(sql, calls);
    await this.restateUnstated(
      sql,
      [...facts.values()].filter((f) => f.usersRestatedEdition < USERS_RESTATEMENT_EDITION).map((f) => f.tenantId),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      callEntitlementDecider,
      calls.map((call) => {
        const key = `${call.tenantId}/${call.userId}`;
        return {
          target: callStream(call.tenantId, call.callId),
          command: commandFor(referredCallOf(call), facts.get(key)!),
          options: { metadata: { correlationId: call.callId, causationId: call.eventId } },
        };
      }),
    );
  }

  /**
   * The first call of a tenant whose users were never restated states them
   * (`LicensedUsersRestated`, published): every user's usage location and licences, for
   * pool-ledger's replica, most of them made before anyone kept one. Under the tenants' users
   * locks, so a change committing meanwhile is either read here or published after
   * (`lockTenantUsers`).
   */
  private async restateUnstated(sql: SqlClient, tenantIds: string[]): Promise<void> {
    const unstated = [...new Set(tenantIds)].sort();
    if (unstated.length === 0) return;
    await lockTenantUsers(sql, unstated);
    const { rows } = await sql.query<{ tenant_id: string; user_id: string; usage_location: string | null; licenses: Sku[] | null }>(
      `SELECT tenant_id, user_id, usage_location, licenses FROM rm_licensing_users WHERE tenant_id = ANY($1::text[])`,
      [unstated],
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      licensedUsersDecider,
      unstated.map((tenantId) => ({
        target: licensedUsersStream(tenantId),
        command: {
          type: 'RestateUsers' as const,
          users: rows
            .filter((row) => row.tenant_id === tenantId)
            .map((row) => ({ userId: row.user_id, usageLocation: row.usage_location, licenses: row.licenses ?? [] })),
        },
      })),
    );
  }
}

/** What licensing knows of a call's user and tenant: their policies as learned, and the user (undefined: never seen). */
interface AdmissionFacts extends LearnedFacts {
  tenantId: string;
  /** The edition the tenant's users were last restated in (0: never). */
  usersRestatedEdition: number;
}

/** The facts of every call's tenant and user (and whether the tenant's users were restated), in one statement, exact inside the chunk's transaction. */
async function admissionFactsOf(sql: SqlClient, calls: OutboundCallStarted[]): Promise<Map<string, AdmissionFacts>> {
  const { rows } = await sql.query<{
    tenant_id: string;
    user_id: string;
    known: boolean | null;
    global_policy: string | null;
    policy_name: string | null;
    user_known: boolean;
    usage_location: string | null;
    licenses: Sku[] | null;
    users_restated_edition: number | null;
  }>(
    `SELECT k.tenant_id, k.user_id, t.known, t.global_policy, p.policy_name,
            u.user_id IS NOT NULL AS user_known, u.usage_location, u.licenses, r.edition AS users_restated_edition
       FROM unnest($1::text[], $2::text[]) AS k(tenant_id, user_id)
       LEFT JOIN rm_licensing_dialout_tenants t ON t.tenant_id = k.tenant_id
       LEFT JOIN rm_licensing_restated_tenants r ON r.tenant_id = k.tenant_id
       LEFT JOIN rm_licensing_dialout_users p ON p.tenant_id = k.tenant_id AND p.user_id = k.user_id
       LEFT JOIN rm_licensing_users u ON u.tenant_id = k.tenant_id AND u.user_id = k.user_id`,
    [calls.map((c) => c.tenantId), calls.map((c) => c.userId)],
  );
  return new Map(
    rows.map((r) => [
      `${r.tenant_id}/${r.user_id}`,
      {
        tenantId: r.tenant_id,
        usersRestatedEdition: r.users_restated_edition ?? 0,
        policiesKnown: r.known === true,
        globalPolicy: r.global_policy,
        userPolicy: r.policy_name,
        caller: r.user_known ? { usageLocation: r.usage_location, licenses: r.licenses ?? [] } : undefined,
      },
    ]),
  );
}

/** Screen here when nothing the screening needs is missing; else refer, saying what is. */
function commandFor(call: ReferredCall, facts: AdmissionFacts): CallEntitlementCommand {
  const inputs = screeningInputsOf(facts);
  return inputs.ok ? { type: 'ScreenAndEntitle', call, ...inputs } : { type: 'Refer', call, reason: inputs.missing };
}
