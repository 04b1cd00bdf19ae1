import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CallEndedV1, CallHandedToWalletV1, Envelope, PoolOverflowHandedToWalletV1, Topics, TollFreeCallRoutedV1 } from '@comms-credits/contracts';
import { SqlClient } from '@comms-credits/event-store';
import { BATCH, BOOKKEEPING, KafkaBatchOfContext } from '@comms-credits/messaging';
import { WalletCommandItem, WalletLedger } from '../application/wallet.ledger';
import { WalletCommand } from '../domain/wallet.decider';

/**
 * Admission stage 4 and settlement, each chunk in its transaction: calls the pool handed on
 * and inbound toll-free calls are funded from credits or rejected; pool overflows are charged;
 * `CallEnded` settles the calls the wallet admitted (after the call-log slice's handler of the
 * same chunk). Other events of these topics are not the wallet's business.
 */
@Controller()
export class WalletFundingConsumer {
  private readonly logger = new Logger('wallet-funding');

  constructor(private readonly ledger: WalletLedger) {}

  @EventPattern(Topics.PoolLedgerEvents, BATCH)
  async onPoolLedgerEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.execute(
      ctx.sql,
      events.flatMap((e) => {
        if (e.type === 'CallHandedToWallet') return [fundHandOver(e as CallHandedToWalletV1)];
        if (e.type === 'PoolOverflowHandedToWallet') return [chargeOverflow(e as PoolOverflowHandedToWalletV1)];
        return [];
      }),
    );
  }

  @EventPattern(Topics.TollFreeEvents, BATCH)
  async onTollFreeEvents(@Payload() events: Envelope[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    const routed = events.filter((e): e is TollFreeCallRoutedV1 => e.type === 'TollFreeCallRouted');
    await this.execute(
      ctx.sql,
      routed.map((e) =>
        item(e, { type: 'FundCall', request: { source: 'toll-free', callId: e.callId, numberCountry: e.numberCountry }, causationId: e.eventId, now: now() }),
      ),
    );
  }

  /** Settlement, in the gathering group (BOOKKEEPING): a chunk of ends never holds up a hand-over above. */
  @EventPattern(Topics.CallEnded, BOOKKEEPING)
  async onCallEnded(@Payload() events: CallEndedV1[], @Ctx() ctx: KafkaBatchOfContext): Promise<void> {
    await this.execute(
      ctx.sql,
      events.map((e) => item(e, { type: 'SettleCall', callId: e.callId, end: { durationSeconds: e.durationSeconds, endEventId: e.eventId }, now: now() })),
    );
  }

  private async execute(sql: SqlClient, items: WalletCommandItem[]): Promise<void> {
    const results = await this.ledger.execute(sql, items);
    results.forEach((result, i) => {
      if (!result.ok) this.logger.error({ msg: 'wallet refused a call command', command: items[i]!.command.type, code: result.error.code });
    });
  }
}

const now = () => new Date().toISOString();

/** A command about a call; the call's start, where the event has it, picks its rate card. */
function item(event: Envelope & { callId: string; startedAt?: string }, command: WalletCommand): WalletCommandItem {
  return { tenantId: event.tenantId, command, metadata: { correlationId: event.callId, causationId: event.eventId }, callStartedAt: event.startedAt };
}

function fundHandOver(e: CallHandedToWalletV1): WalletCommandItem {
  if (e.reason === 'POOL_CONTINUATION') {
    return item(e, {
      type: 'FundCall',
      request: {
        source: 'pool-continuation',
        callId: e.callId,
        userId: e.userId,
        creditsLicensed: e.creditsLicensed,
        destinationCountry: e.destinationCountry,
        poolSeconds: e.poolSeconds!,
        maxCreditSeconds: e.maxCreditSeconds!,
      },
      causationId: e.eventId,
      now: now(),
    });
  }
  return item(e, {
    type: 'FundCall',
    request: {
      source: 'pool-hand-over',
      callId: e.callId,
      userId: e.userId,
      reason: e.reason,
      creditsLicensed: e.creditsLicensed,
      destinationCountry: e.destinationCountry,
      emergency: e.emergency,
    },
    causationId: e.eventId,
    now: now(),
  });
}

function chargeOverflow(e: PoolOverflowHandedToWalletV1): WalletCommandItem {
  return item(e, {
    type: 'ChargeOverflow',
    callId: e.callId,
    destinationCountry: e.destinationCountry,
    durationSeconds: e.durationSeconds,
    uncoveredMinutes: e.uncoveredMinutes,
    creditsLicensed: e.creditsLicensed,
    causationId: e.eventId,
    now: now(),
  });
}
