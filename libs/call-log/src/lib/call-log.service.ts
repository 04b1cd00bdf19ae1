import { Injectable } from '@nestjs/common';
import { CallEnded, CallStarted } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { CallLogCommand, callLogDecider } from './call-log.decider';
import { callStream } from './call-stream';

/**
 * Records what the service saw of calls, inside the transaction of the consumed chunk: all the
 * chunk's calls are read, decided, appended and projected in a handful of statements.
 */
@Injectable()
export class CallLog {
  constructor(private readonly store: EventStore) {}

  observeStarted(sql: SqlClient, events: CallStarted[]) {
    return this.observe(
      sql,
      events.map((event) => ({ type: 'ObserveStart', event }) as const),
    );
  }

  observeEnded(sql: SqlClient, events: CallEnded[]) {
    return this.observe(
      sql,
      events.map((event) => ({ type: 'ObserveEnd', event }) as const),
    );
  }

  private observe(sql: SqlClient, commands: CallLogCommand[]) {
    return decideAndAppendBatch(
      sql,
      this.store,
      callLogDecider,
      commands.map((command) => ({
        target: callStream(command.event.tenantId, command.event.callId),
        command,
        options: { metadata: { correlationId: command.event.callId, causationId: command.event.eventId } },
      })),
    );
  }
}
