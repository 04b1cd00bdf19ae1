import { Injectable } from '@nestjs/common';
import { callStream } from '@comms-credits/call-log';
import { CallEntitledV1, CallStarted, Sku } from '@comms-credits/contracts';
import { OutboundCallStarted, ReferredCall, isOutboundCallStarted, referredCallOf } from '@comms-credits/dialout-rules';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { LearnedFacts, screeningInputsOf } from '@comms-credits/licensing-rules';
import { PoolCallCommand, poolCallDecider } from '../domain/pool-call.decider';
import { PoolFunding } from './pool-funding';

/**
 * Admission in one hop (docs/architecture.md, "Admission in one hop"), as calls start, inside the
 * consumed chunk's transaction: an outbound call whose tenant's users and dial-out policies the
 * pool has learned, and whose user it knows with a usage location, is screened, entitled and
 * funded here, in one decision by the chain's own rules (libs/dialout-rules,
 * libs/licensing-rules, the pool's reservation); any other is referred to licensing
 * (`CallReferred` on `pool-ledger.events`), which decides it as the chain does. The pool is the
 * one front door of every outbound call, so each is decided once: here, or from its referral.
 */
@Injectable()
export class OneHopAdmission {
  constructor(
    private readonly store: EventStore,
    private readonly funding: PoolFunding,
  ) {}

  async admit(sql: SqlClient, events: CallStarted[]): Promise<void> {
    const calls = events.filter(isOutboundCallStarted);
    if (calls.length === 0) return;
    const facts = await oneHopFactsOf(sql, calls);
    const decided = await decideAndAppendBatch(
      sql,
      this.store,
      poolCallDecider,
      calls.map((call) => ({
        target: callStream(call.tenantId, call.callId),
        command: commandFor(referredCallOf(call), facts.get(`${call.tenantId}/${call.userId}`)!),
        options: { metadata: { correlationId: call.callId, causationId: call.eventId } },
      })),
    );
    // Entitled here: funded here, from the pool or handed to the wallet, as stage 3 funds an entitled call.
    const entitled = calls.flatMap((call, i): CallEntitledV1[] => {
      const result = decided[i]!;
      const event = result.ok ? result.value.find((e) => e.type === 'CallEntitled') : undefined;
      if (event?.type !== 'CallEntitled') return [];
      return [{ ...event.data, eventId: call.eventId, type: 'CallEntitled', version: 1, occurredAt: call.occurredAt, tenantId: call.tenantId }];
    });
    if (entitled.length > 0) await this.funding.admit(sql, entitled);
  }
}

/** What the pool knows of a call's tenant and user. */
interface OneHopFacts extends LearnedFacts {
  /** Every user of the tenant is known here (licensing's hand-over restatement learned). */
  usersKnown: boolean;
}

/** The facts of every call's tenant and user, in one statement, exact inside the chunk's transaction. */
async function oneHopFactsOf(sql: SqlClient, calls: OutboundCallStarted[]): Promise<Map<string, OneHopFacts>> {
  const { rows } = await sql.query<{
    tenant_id: string;
    user_id: string;
    users_known: boolean | null;
    policies_known: boolean | null;
    global_policy: string | null;
    policy_name: string | null;
    caller_known: boolean;
    usage_location: string | null;
    licenses: Sku[] | null;
  }>(
    `SELECT k.tenant_id, k.user_id, ct.known AS users_known, dt.known AS policies_known, dt.global_policy, du.policy_name,
            c.user_id IS NOT NULL AS caller_known, c.usage_location, c.licenses
       FROM unnest($1::text[], $2::text[]) AS k(tenant_id, user_id)
       LEFT JOIN rm_pool_caller_tenants ct ON ct.tenant_id = k.tenant_id
       LEFT JOIN rm_pool_dialout_tenants dt ON dt.tenant_id = k.tenant_id
       LEFT JOIN rm_pool_dialout_users du ON du.tenant_id = k.tenant_id AND du.user_id = k.user_id
       LEFT JOIN rm_pool_callers c ON c.tenant_id = k.tenant_id AND c.user_id = k.user_id`,
    [calls.map((c) => c.tenantId), calls.map((c) => c.userId)],
  );
  return new Map(
    rows.map((r) => [
      `${r.tenant_id}/${r.user_id}`,
      {
        usersKnown: r.users_known === true,
        policiesKnown: r.policies_known === true,
        globalPolicy: r.global_policy,
        userPolicy: r.policy_name,
        caller: r.caller_known ? { usageLocation: r.usage_location, licenses: r.licenses ?? [] } : undefined,
      },
    ]),
  );
}

/** Decide here when nothing the decision needs is missing; else refer, saying what is. */
function commandFor(call: ReferredCall, facts: OneHopFacts): PoolCallCommand {
  if (!facts.usersKnown) return { type: 'Refer', call, reason: 'USERS_NOT_KNOWN' };
  const inputs = screeningInputsOf(facts);
  return inputs.ok ? { type: 'ScreenAndEntitle', call, ...inputs } : { type: 'Refer', call, reason: inputs.missing };
}
