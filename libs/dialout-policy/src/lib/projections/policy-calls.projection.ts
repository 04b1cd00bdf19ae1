import { DataOf, dataOf, Projection, RecordedEvent, SqlClient } from '@comms-credits/event-store';
import { CallScreeningEvent } from '../domain/call-screening.decider';
import { CallClearedData, CallRejectedData, DialoutControl, controlOf } from '@comms-credits/dialout-rules';

type Outcome = 'cleared' | 'blocked' | 'invalid_number' | 'unknown_user';

const OUTCOME_OF_REASON: Record<CallRejectedData['reason'], Outcome> = {
  DIALOUT_POLICY_BLOCKED: 'blocked',
  INVALID_NUMBER: 'invalid_number',
  UNKNOWN_USER: 'unknown_user',
};

interface Counts {
  tenantId: string;
  policyName: string;
  control: DialoutControl;
  lastPosition: string;
  outcomes: Record<Outcome, number>;
}

/**
 * `rm_dialout_policy_calls`: stage 1's decisions per tenant, policy and control, made here or in
 * licensing's hop. The chunk is
 * counted in memory first and added in one statement (a row can be hit once per statement).
 * Each decision is appended once per call and projected in its transaction, so the counts are
 * exact, and a rebuild from nothing adds them up again.
 */
export const policyCallsProjection: Projection = {
  name: 'dialout-policy-calls',
  handles: ['CallCleared', 'CallRejected', 'CallScreenedInLicensing'],
  tables: ['rm_dialout_policy_calls'],

  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    const rows = countByPolicy(events);
    const column = (outcome: Outcome) => rows.map((r) => r.outcomes[outcome]);
    await sql.query(
      `INSERT INTO rm_dialout_policy_calls AS c (tenant_id, policy_name, control, cleared, blocked, invalid_number, unknown_user, last_position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
       ON CONFLICT (tenant_id, policy_name, control) DO UPDATE SET
         cleared = c.cleared + excluded.cleared, blocked = c.blocked + excluded.blocked,
         invalid_number = c.invalid_number + excluded.invalid_number, unknown_user = c.unknown_user + excluded.unknown_user,
         last_position = GREATEST(c.last_position, excluded.last_position)`,
      [
        rows.map((r) => r.tenantId),
        rows.map((r) => r.policyName),
        rows.map((r) => r.control),
        column('cleared'),
        column('blocked'),
        column('invalid_number'),
        column('unknown_user'),
        rows.map((r) => r.lastPosition),
      ],
    );
  },
};

function countByPolicy(events: RecordedEvent[]): Counts[] {
  const rows = new Map<string, Counts>();
  for (const event of events) {
    const { policyName, control, outcome } = classify(event);
    const key = JSON.stringify([event.tenantId, policyName, control]);
    const row = rows.get(key) ?? {
      tenantId: event.tenantId,
      policyName,
      control,
      lastPosition: event.globalPosition,
      outcomes: { cleared: 0, blocked: 0, invalid_number: 0, unknown_user: 0 },
    };
    row.outcomes[outcome] += 1;
    row.lastPosition = event.globalPosition; // events come in order
    rows.set(key, row);
  }
  return [...rows.values()];
}

function classify(event: RecordedEvent): { policyName: string; control: DialoutControl; outcome: Outcome } {
  if (event.type === 'CallScreenedInLicensing') {
    const screened = dataOf<DataOf<CallScreeningEvent, 'CallScreenedInLicensing'>>(event);
    return { policyName: screened.policyName, control: screened.control, outcome: screened.outcome };
  }
  if (event.type === 'CallCleared') {
    const cleared = dataOf<CallClearedData>(event);
    return { policyName: cleared.policyName, control: controlOf(cleared.callType), outcome: 'cleared' };
  }
  const { reason, details } = dataOf<CallRejectedData>(event);
  return { policyName: details.policyName, control: details.control, outcome: OUTCOME_OF_REASON[reason] };
}
