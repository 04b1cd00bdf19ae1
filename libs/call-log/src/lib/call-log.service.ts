import { Injectable } from '@nestjs/common';
import { CallEnded, CallStarted } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppend } from '@comms-credits/event-store';
import { CallLogCommand, callLogDecider, callStreamId } from './call-log.decider';

/** Records what the service saw of a call, inside the transaction of the consumed message. */
@Injectable()
export class CallLog {
  constructor(private readonly store: EventStore) {}

  observeStarted(sql: SqlClient, event: CallStarted) {
    return this.observe(sql, event, { type: 'ObserveStart', event });
  }

  observeEnded(sql: SqlClient, event: CallEnded) {
    return this.observe(sql, event, { type: 'ObserveEnd', event });
  }

  private observe(sql: SqlClient, event: CallStarted | CallEnded, command: CallLogCommand) {
    return decideAndAppend(
      sql,
      this.store,
      { streamId: callStreamId(event.tenantId, event.callId), streamType: 'call', tenantId: event.tenantId },
      callLogDecider,
      command,
      { metadata: { correlationId: event.callId, causationId: event.eventId } },
    );
  }
}
