import { Inject, Injectable } from '@nestjs/common';
import { CallReferredV1, CallScreenedV1, CallStarted } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { callStream } from '@comms-credits/call-log';
import { OutboundCallStarted, isOutboundCallStarted, startedOfReferral } from '@comms-credits/dialout-rules';
import { callScreeningDecider, contractVersionOf } from '../domain/call-screening.decider';
import { RESTATEMENT_EDITION, UserPolicy, dialoutTenantDecider } from '../domain/dialout-tenant.decider';
import { DialoutUserState, dialoutUserDecider } from '../domain/dialout-user.decider';
import { DialoutPolicyConfig } from '../dialout-policy.config';
import { dialoutTenantStream, dialoutUserStream, lockTenantPolicies } from './dialout-policy.streams';
import { StreamBatch } from './stream-batch';

/**
 * Admission stage 1 for the calls licensing referred here (docs/architecture.md, "Admission in
 * fewer hops"), inside the consumed chunk's transaction: the calls', callers' and tenants'
 * streams are read in one round trip, every call is decided, and everything is appended in one
 * statement. A call whose verdict needs a usage location not learned yet waits for it, recorded
 * on the call's stream and the user's together. Licensing screens every other call itself, by
 * the same rules (libs/dialout-rules), from the policies this service publishes; its verdicts
 * are recorded here for the count of calls per policy.
 */
@Injectable()
export class CallScreening {
  constructor(
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: DialoutPolicyConfig,
  ) {}

  /** Screens referred calls: each as the CallStarted it was referred from. */
  async screenReferred(sql: SqlClient, referrals: CallReferredV1[]): Promise<void> {
    await this.screen(sql, referrals.map(startedOfReferral));
  }

  /** Records the verdicts licensing reached in its own hop (a call is screened once, there or here). */
  async recordScreened(sql: SqlClient, screened: CallScreenedV1[]): Promise<void> {
    await decideAndAppendBatch(
      sql,
      this.store,
      callScreeningDecider,
      screened.map((event) => {
        const { callId, callType, userId, policyName, policySource, control, outcome, destinationCountry, domestic } = event;
        return {
          target: callStream(event.tenantId, callId),
          command: {
            type: 'RecordScreenedInLicensing' as const,
            screened: { callId, callType, userId, policyName, policySource, control, outcome, destinationCountry, domestic },
          },
          options: { metadata: { correlationId: callId, causationId: event.eventId } },
        };
      }),
    );
  }

  async screen(sql: SqlClient, events: CallStarted[]): Promise<void> {
    const calls = events.filter(isOutboundCallStarted);
    if (calls.length === 0) return;
    const streams = (call: OutboundCallStarted) => ({
      call: callStream(call.tenantId, call.callId),
      user: dialoutUserStream(call.tenantId, call.userId),
      tenant: dialoutTenantStream(call.tenantId),
    });
    const batch = await new StreamBatch(this.store).read(
      sql,
      calls.flatMap((call) => Object.values(streams(call)).map((target) => target.streamId)),
    );
    const userOf = (call: OutboundCallStarted) => batch.state(streams(call).user.streamId, dialoutUserDecider);
    const tenantCountries = await this.countriesOfTenants(
      sql,
      calls.filter((call) => needsTenantCountries(call, userOf(call))),
    );
    await this.restateUnstated(
      sql,
      batch,
      calls.map((call) => call.tenantId),
    );
    const now = new Date().toISOString();

    for (const call of calls) {
      const { call: callStream, user: userStream, tenant } = streams(call);
      const metadata = { correlationId: call.callId, causationId: call.eventId };
      const decided = batch.decide(
        callStream,
        callScreeningDecider,
        {
          type: 'ScreenCall',
          call,
          user: userOf(call),
          globalPolicy: batch.state(tenant.streamId, dialoutTenantDecider).globalPolicy,
          tenantCountries: tenantCountries.get(call.tenantId),
          now,
          waitMs: this.config.DIALOUT_USER_WAIT_MS,
        },
        { metadata, versionOf: contractVersionOf },
      );
      if (decided.ok && decided.value.some((event) => event.type === 'CallAwaitingUsageLocation')) {
        batch.decide(userStream, dialoutUserDecider, { type: 'AwaitUsageLocation', userId: call.userId, callId: call.callId }, { metadata });
      }
    }
    await batch.append(sql);
  }

  /**
   * The first call of a tenant whose policies were never restated states them
   * (`DialoutPoliciesRestated`, published): grants made before grants were published reach the
   * one-hop admission's replica this way. Under the tenants' policy locks, so a user grant
   * committing meanwhile is either read here or published after (lockTenantPolicies); a Global
   * grant meanwhile moves the tenant stream, and this chunk is decided again.
   */
  private async restateUnstated(sql: SqlClient, batch: StreamBatch, tenantIds: string[]): Promise<void> {
    const unstated = [...new Set(tenantIds)].filter(
      (tenantId) => batch.state(dialoutTenantStream(tenantId).streamId, dialoutTenantDecider).restatedEdition < RESTATEMENT_EDITION,
    );
    if (unstated.length === 0) return;
    await lockTenantPolicies(sql, unstated);
    const { rows } = await sql.query<{ tenant_id: string; user_id: string; policy_name: UserPolicy['policyName'] }>(
      `SELECT tenant_id, user_id, policy_name FROM rm_dialout_user WHERE tenant_id = ANY($1::text[]) AND policy_name IS NOT NULL`,
      [unstated],
    );
    for (const tenantId of unstated) {
      const userPolicies = rows.filter((row) => row.tenant_id === tenantId).map((row) => ({ userId: row.user_id, policyName: row.policy_name }));
      batch.decide(dialoutTenantStream(tenantId), dialoutTenantDecider, { type: 'RestatePolicies', userPolicies });
    }
  }

  /**
   * The usage locations of each tenant's known users, most users first, for the rare call that
   * needs them (an emergency short code from a caller whose usage location is unknown). The
   * inline read model is exact inside the transaction.
   */
  private async countriesOfTenants(sql: SqlClient, calls: OutboundCallStarted[]): Promise<Map<string, string[]>> {
    const countries = new Map<string, string[]>();
    if (calls.length === 0) return countries;
    const { rows } = await sql.query<{ tenant_id: string; usage_location: string }>(
      `SELECT tenant_id, usage_location FROM rm_dialout_user
        WHERE tenant_id = ANY($1::text[]) AND usage_location IS NOT NULL
        GROUP BY tenant_id, usage_location
        ORDER BY tenant_id, count(*) DESC, usage_location`,
      [[...new Set(calls.map((call) => call.tenantId))]],
    );
    for (const row of rows) countries.set(row.tenant_id, [...(countries.get(row.tenant_id) ?? []), row.usage_location]);
    return countries;
  }
}

/** A short code on a user's own call from a caller whose usage location is unknown: an emergency call, maybe. */
function needsTenantCountries(call: OutboundCallStarted, user: DialoutUserState): boolean {
  return user.usageLocation === null && call.callType === 'user_out' && !call.to.startsWith('+');
}
