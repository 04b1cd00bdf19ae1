import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallStartedV1, Envelope, Topics, UserUpsertedV1 } from '@comms-credits/contracts';
import { BATCH, BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { CallScreening } from '../application/call-screening.service';
import { UsageLocations } from '../application/usage-locations.service';

/**
 * Stage 1 and the usage locations it needs, inside each consumed chunk's transaction. The call
 * log (imported module) records the same telephony chunks in its own handler.
 */
@Controller()
export class DialoutPolicyConsumer {
  constructor(
    private readonly screening: CallScreening,
    private readonly usageLocations: UsageLocations,
  ) {}

  @EventPattern(Topics.CallStarted, BATCH)
  async onCallStarted(@Payload() events: CallStartedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.screening.screen(ctx.sql, events);
  }

  /**
   * Only users matter here; licences, seats and stage 2's CallEntitled are not this service's
   * concern. In the gathering group (BOOKKEEPING): a call never waits behind them, and one whose
   * verdict needs a usage location not learned yet waits for it anyway (up to its deadline).
   */
  @EventPattern(Topics.LicensingEvents, BOOKKEEPING)
  async onLicensingEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.usageLocations.learn(
      ctx.sql,
      events.filter((e): e is UserUpsertedV1 => e.type === 'UserUpserted'),
    );
  }
}
