import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallLog } from '@comms-credits/call-log';
import { CallEndedV1, CallStartedV1, Topics } from '@comms-credits/contracts';
import { KafkaBatchContext } from '@comms-credits/messaging';

/** Upstream telephony, as the pool-ledger service consumes it. */
@Controller()
export class TelephonyConsumer {
  constructor(private readonly calls: CallLog) {}

  @EventPattern(Topics.CallStarted)
  async onCallStarted(@Payload() event: CallStartedV1, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.calls.observeStarted(ctx.sql, event);
  }

  @EventPattern(Topics.CallEnded)
  async onCallEnded(@Payload() event: CallEndedV1, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.calls.observeEnded(ctx.sql, event);
  }
}
