import { Injectable } from '@nestjs/common';
import { CallStarted } from '@comms-credits/contracts';
import { callStream } from '@comms-credits/call-log';
import { DialoutPolicyName, OutboundCallStarted, isDialoutPolicyName, isOutboundCallStarted, screenedCallOf } from '@comms-credits/dialout-rules';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { CallEntitlementCommand, CallerRecord, ReferredCall, callEntitlementDecider } from '../domain/call-entitlement.decider';
import { DialoutPolicyReplica, PoliciesOfUser } from './dialout-policy-replica';
import { callersOf } from './licensing.queries';

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
  constructor(
    private readonly store: EventStore,
    private readonly replica: DialoutPolicyReplica,
  ) {}

  async admit(sql: SqlClient, events: CallStarted[]): Promise<void> {
    const calls = events.filter(isOutboundCallStarted);
    if (calls.length === 0) return;
    const keys = calls.map((call) => ({ tenantId: call.tenantId, userId: call.userId }));
    const policies = await this.replica.policiesFor(sql, keys);
    const callers = await callersOf(
      sql,
      keys.map((k) => k.tenantId),
      keys.map((k) => k.userId),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      callEntitlementDecider,
      calls.map((call) => {
        const key = `${call.tenantId}/${call.userId}`;
        return {
          target: callStream(call.tenantId, call.callId),
          command: commandFor(referredCall(call), policies.get(key)!, callers.get(key)),
          options: { metadata: { correlationId: call.callId, causationId: call.eventId } },
        };
      }),
    );
  }
}

/** Screen here when nothing the screening needs is missing; else refer, saying what is. */
function commandFor(call: ReferredCall, policies: PoliciesOfUser, caller: CallerRecord | undefined): CallEntitlementCommand {
  const globalPolicy = catalogueName(policies.globalPolicy);
  const userPolicy = catalogueName(policies.userPolicy);
  if (!policies.known || globalPolicy === undefined || userPolicy === undefined) return { type: 'Refer', call, reason: 'POLICIES_NOT_KNOWN' };
  if (!caller) return { type: 'Refer', call, reason: 'USER_NOT_KNOWN' };
  const { usageLocation } = caller;
  if (usageLocation === null) return { type: 'Refer', call, reason: 'USAGE_LOCATION_NOT_KNOWN' };
  return { type: 'ScreenAndEntitle', call, caller: { ...caller, usageLocation }, userPolicy, globalPolicy };
}

/** A learned policy name as the catalogue's (null: none); undefined for a name outside it, which cannot be granted. */
function catalogueName(name: string | null): DialoutPolicyName | null | undefined {
  if (name === null) return null;
  return isDialoutPolicyName(name) ? name : undefined;
}

function referredCall(call: OutboundCallStarted): ReferredCall {
  return { ...screenedCallOf(call), startedEventId: call.eventId };
}
