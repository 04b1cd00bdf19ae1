import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallChargedV1, Envelope, SubscriptionSeatsChangedV1, Topics, WalletBalanceChangedV1 } from '@comms-credits/contracts';
import { EventStore, SqlClient, decideAndAppendBatch } from '@comms-credits/event-store';
import { BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { lockAccounts, tollFreeAccountStream, tollFreeChargeStream, tollFreeChargeStreamId } from '../application/toll-free.streams';
import { countsTowardsQuota } from '../domain/quota';
import { TollFreeAccountCommand, tollFreeAccountDecider } from '../domain/toll-free-account.decider';

/**
 * What the toll-free rules need to know of other services, recorded on the tenants' accounts in
 * the chunk's transaction: the seats that set the quota (`licensing.events`) and whether the
 * wallet can pay (`credit-wallet.events`, which also suspends and resumes the numbers), and the
 * charges of the calls it routed (a number's minutes). Nothing is admitted on these as they
 * come: they are read by the gathering group (BOOKKEEPING), up to KAFKA_BOOKKEEPING_GATHER_MS late.
 */
@Controller()
export class AccountFactsConsumer {
  constructor(private readonly store: EventStore) {}

  @EventPattern(Topics.LicensingEvents, BOOKKEEPING)
  async onLicensingEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const seats = events.filter(
      (e): e is SubscriptionSeatsChangedV1 => e.type === 'SubscriptionSeatsChanged' && countsTowardsQuota((e as SubscriptionSeatsChangedV1).sku),
    );
    await this.observe(ctx.sql, seats, (e) => ({ type: 'ObserveSeats', sku: e.sku, seats: e.seats }));
  }

  @EventPattern(Topics.CreditWalletEvents, BOOKKEEPING)
  async onWalletEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const balances = events.filter((e): e is WalletBalanceChangedV1 => e.type === 'WalletBalanceChanged');
    await this.observe(ctx.sql, balances, (e) => ({
      type: 'ObserveWallet',
      balance: { amount: e.balance.amount, currency: e.balance.currency },
      billingSetUp: e.billingSetUp,
    }));
    await this.recordCharges(
      ctx.sql,
      events.filter(
        (e): e is CallChargedV1 => e.type === 'CallCharged' && (e as CallChargedV1).rate.kind === 'toll-free-inbound' && (e as CallChargedV1).kind === 'call',
      ),
    );
  }

  /**
   * The wallet charged calls this stage routed: `TollFreeCallCharged` on `toll-free-charge:<t>:<callId>`
   * (a number's minutes count only charged calls; a call the wallet rejected has none). Charges
   * of calls this service never routed are not its business. One event per charge event id.
   */
  private async recordCharges(sql: SqlClient, charges: CallChargedV1[]): Promise<void> {
    if (charges.length === 0) return;
    const { rows } = await sql.query<{ tenant_id: string; call_id: string }>(
      `SELECT tenant_id, call_id FROM rm_toll_free_calls c JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, call_id) USING (tenant_id, call_id)`,
      [charges.map((c) => c.tenantId), charges.map((c) => c.callId)],
    );
    const routed = new Set(rows.map((r) => `${r.tenant_id}\u0000${r.call_id}`));
    const byStream = new Map<string, CallChargedV1>();
    for (const c of charges) if (routed.has(`${c.tenantId}\u0000${c.callId}`)) byStream.set(tollFreeChargeStreamId(c.tenantId, c.callId), c);
    if (byStream.size === 0) return;
    await this.store.append(
      sql,
      [...byStream.values()].map((c) => ({
        ...tollFreeChargeStream(c.tenantId, c.callId),
        expectedVersion: 'any' as const,
        events: [
          {
            type: 'TollFreeCallCharged',
            data: { callId: c.callId, durationSeconds: c.durationSeconds, billedMinutes: c.billedMinutes, chargeEventId: c.eventId },
            metadata: { causationId: c.eventId, correlationId: c.callId },
          },
        ],
      })),
    );
  }

  private async observe<E extends Envelope>(sql: SqlClient, events: E[], commandOf: (event: E) => TollFreeAccountCommand): Promise<void> {
    if (events.length === 0) return;
    await lockAccounts(
      sql,
      events.map((e) => e.tenantId),
    );
    await decideAndAppendBatch(
      sql,
      this.store,
      tollFreeAccountDecider,
      events.map((e) => ({
        target: tollFreeAccountStream(e.tenantId),
        command: commandOf(e),
        options: { metadata: { causationId: e.eventId, ...(e.correlationId ? { correlationId: e.correlationId } : {}) } },
      })),
    );
  }
}
