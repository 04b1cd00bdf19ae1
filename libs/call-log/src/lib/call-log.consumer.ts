import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallEndedV1, CallStartedV1, Topics } from '@comms-credits/contracts';
import { BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { CallLog } from './call-log.service';

/**
 * Every service records the calls it sees. The service's own handlers of the same topics run
 * in the same transaction, before or after this one: nothing relies on which (see
 * KafkaBatchTransport's `chains`). Bookkeeping: where the log is all a service does with a
 * topic, the service's bookkeeping consumer reads it, gathering (KAFKA_BOOKKEEPING_GATHER_MS).
 */
@Controller()
export class CallLogConsumer {
  constructor(private readonly calls: CallLog) {}

  @EventPattern(Topics.CallStarted, BOOKKEEPING)
  async onCallStarted(@Payload() events: CallStartedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.calls.observeStarted(ctx.sql, events);
  }

  @EventPattern(Topics.CallEnded, BOOKKEEPING)
  async onCallEnded(@Payload() events: CallEndedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.calls.observeEnded(ctx.sql, events);
  }
}
