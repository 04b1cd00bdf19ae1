import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallReferredV1, CallScreenedV1, Envelope, Topics, UserUpsertedV1 } from '@comms-credits/contracts';
import { BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { CallScreening } from '../application/call-screening.service';
import { UsageLocations } from '../application/usage-locations.service';

/**
 * Stage 1 of the calls licensing refers here, what licensing (on `licensing.events`) and the
 * pool (on `pool-ledger.events`, in one hop) screened themselves, and the usage locations
 * screening needs, inside each consumed chunk's transaction. The call log (imported module) records the telephony topics in its own handlers.
 *
 * In the gathering group (BOOKKEEPING): licensing screens nearly every call in its own hop; a
 * call comes here only when licensing lacks what screening needs (the tenant's policies before
 * their first restatement reached it, a user it does not know or without usage location), and
 * such a call waits for the gathering fetch (KAFKA_BOOKKEEPING_GATHER_MS) rather than every
 * CallEntitled of the topic costing this service a fetch of its own.
 */
@Controller()
export class DialoutPolicyConsumer {
  constructor(
    private readonly screening: CallScreening,
    private readonly usageLocations: UsageLocations,
  ) {}

  @EventPattern(Topics.LicensingEvents, BOOKKEEPING)
  async onLicensingEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    // Usage locations first: a referred call of a user just named is then judged at once.
    await this.usageLocations.learn(
      ctx.sql,
      events.filter((e): e is UserUpsertedV1 => e.type === 'UserUpserted'),
    );
    await this.screening.screenReferred(
      ctx.sql,
      events.filter((e): e is CallReferredV1 => e.type === 'CallReferred'),
    );
    await this.screening.recordScreened(
      ctx.sql,
      events.filter((e): e is CallScreenedV1 => e.type === 'CallScreened'),
    );
  }

  /** What the pool screened in its own hop (the one-hop admission), counted as licensing's verdicts are. */
  @EventPattern(Topics.PoolLedgerEvents, BOOKKEEPING)
  async onPoolLedgerEvents(@Payload() events: CallScreenedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.screening.recordScreened(ctx.sql, events);
  }
}
