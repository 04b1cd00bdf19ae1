import { Injectable } from '@nestjs/common';
import { CallStarted } from '@comms-credits/contracts';
import { fold } from '@comms-credits/domain-kit';
import { EventStore, ReadStreamResult, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { JudgedCall, callScreeningDecider, isJudgedCall } from '../domain/call-screening.decider';
import { DialoutTenantEvent, DialoutTenantState, dialoutTenantDecider } from '../domain/dialout-tenant.decider';
import { DialoutUserEvent, DialoutUserState, dialoutUserDecider } from '../domain/dialout-user.decider';
import { DialoutStreams } from '../dialout-streams';

/**
 * Admission stage 1 for a consumed chunk of CallStarted, inside the chunk's transaction: the
 * policies and usage locations of every caller and tenant in the chunk are read in one round
 * trip, then every call is decided and appended to its stream in one batch.
 */
@Injectable()
export class CallScreening {
  constructor(private readonly store: EventStore) {}

  async screen(sql: SqlClient, events: CallStarted[]): Promise<void> {
    const calls = events.filter(isJudgedCall);
    if (calls.length === 0) return;
    const policies = await this.readPolicies(sql, calls);
    await decideAndAppendBatch(
      sql,
      this.store,
      callScreeningDecider,
      calls.map((call) => ({
        target: DialoutStreams.call(call.tenantId, call.callId),
        command: { type: 'ScreenCall', call, user: policies.user(call), globalPolicy: policies.globalPolicy(call) } as const,
        options: { metadata: { correlationId: call.callId, causationId: call.eventId } },
      })),
    );
  }

  private async readPolicies(sql: SqlClient, calls: JudgedCall[]) {
    const userStream = (call: JudgedCall) => DialoutStreams.user(call.tenantId, call.userId).streamId;
    const tenantStream = (call: JudgedCall) => DialoutStreams.tenant(call.tenantId).streamId;
    const streams = await this.store.readStreams(sql, [...new Set(calls.flatMap((call) => [userStream(call), tenantStream(call)]))]);
    return {
      user: (call: JudgedCall): DialoutUserState =>
        fold(dialoutUserDecider.evolve, dialoutUserDecider.initialState(), eventsOf<DialoutUserEvent>(streams.get(userStream(call)))),
      globalPolicy: (call: JudgedCall): DialoutTenantState['globalPolicy'] =>
        fold(dialoutTenantDecider.evolve, dialoutTenantDecider.initialState(), eventsOf<DialoutTenantEvent>(streams.get(tenantStream(call))))
          .globalPolicy,
    };
  }
}

function eventsOf<Event>(stream: ReadStreamResult | undefined): Event[] {
  return (stream?.events ?? []) as unknown as Event[];
}
