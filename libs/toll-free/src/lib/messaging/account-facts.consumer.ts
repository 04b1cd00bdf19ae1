import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Envelope, SubscriptionSeatsChangedV1, Topics, WalletBalanceChangedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { BATCH, KafkaBatchOfContext } from '@comms-credits/messaging';
import { accountStream, lockAccounts } from '../application/toll-free.streams';
import { countsTowardsQuota } from '../domain/quota';
import { TollFreeAccountCommand, tollFreeAccountDecider } from '../domain/toll-free-account.decider';

/**
 * What the toll-free rules need to know of other services, recorded on the tenants' accounts in
 * the chunk's transaction: the seats that set the quota (`licensing.events`) and whether the
 * wallet can pay (`credit-wallet.events`, which also suspends and resumes the numbers).
 */
@Controller()
export class AccountFactsConsumer {
  constructor(private readonly store: EventStore) {}

  @EventPattern(Topics.LicensingEvents, BATCH)
  async onLicensingEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const seats = events.filter(
      (e): e is SubscriptionSeatsChangedV1 => e.type === 'SubscriptionSeatsChanged' && countsTowardsQuota((e as SubscriptionSeatsChangedV1).sku),
    );
    await this.observe(ctx.sql, seats, (e) => ({ type: 'ObserveSeats', sku: e.sku, seats: e.seats }));
  }

  @EventPattern(Topics.CreditWalletEvents, BATCH)
  async onWalletEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const balances = events.filter((e): e is WalletBalanceChangedV1 => e.type === 'WalletBalanceChanged');
    await this.observe(ctx.sql, balances, (e) => ({
      type: 'ObserveWallet',
      balance: { amount: e.balance.amount, currency: e.balance.currency },
      billingSetUp: e.billingSetUp,
    }));
  }

  private async observe<E extends Envelope>(sql: SqlClient, events: E[], commandOf: (event: E) => TollFreeAccountCommand): Promise<void> {
    if (events.length === 0) return;
    await lockAccounts(sql, events.map((e) => e.tenantId));
    await decideAndAppendBatch(
      sql,
      this.store,
      tollFreeAccountDecider,
      events.map((e) => ({
        target: accountStream(e.tenantId),
        command: commandOf(e),
        options: { metadata: { causationId: e.eventId, ...(e.correlationId ? { correlationId: e.correlationId } : {}) } },
      })),
    );
  }
}
