import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Transactions, retryOnVersionConflict } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { PoolLedgerConfig } from '../pool-ledger.config';
import { PoolFunding } from './pool-funding';
import { overdueReservations } from './pool.queries';

/**
 * Releases the pool reservations of calls whose end has not come by their grant + grace
 * (domain.md: "A call is never settled beyond its grant"), so a lost or dead-lettered
 * `CallEnded` cannot hold pool minutes forever. The call is marked as missing its settlement;
 * a late `CallEnded` still settles it. Each pass is one transaction, serialized with admissions
 * and settlements by the month streams' versions; every instance may sweep (the commands are
 * idempotent, a conflict is retried).
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('reservation-sweeper');
  private stopping = false;
  private loop?: Promise<void>;
  private readonly pause = new AbortController();

  constructor(
    private readonly transactions: Transactions,
    private readonly funding: PoolFunding,
    @Inject(SERVICE_CONFIG) private readonly config: PoolLedgerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop ??= this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.abort();
    await this.loop;
  }

  /** One pass: expires what is overdue at `now`; returns the calls whose reservations it released. */
  async sweep(now = new Date().toISOString()): Promise<{ tenantId: string; callId: string }[]> {
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const overdue = await overdueReservations(sql, now, 500);
        if (overdue.length > 0) await this.funding.expire(sql, overdue);
        return overdue.map(({ tenantId, callId }) => ({ tenantId, callId }));
      }),
    );
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const released = await this.sweep();
        if (released.length > 0) this.logger.warn({ msg: 'released pool reservations of calls whose end never came', released: released.length });
      } catch (error) {
        this.logger.warn({ msg: 'reservation sweep failed; trying again', error: (error as Error).message });
      }
      await sleep(this.config.POOL_SWEEP_MS, undefined, { signal: this.pause.signal }).catch(() => undefined);
    }
  }
}
