import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore, Transactions, retryOnVersionConflict } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { callStream } from '@comms-credits/call-log';
import { callScreeningDecider } from '../domain/call-screening.decider';
import { DialoutPolicyConfig } from '../dialout-policy.config';
import { StreamBatch } from './stream-batch';

/** Calls expired per transaction. */
const PAGE = 100;

/**
 * The deadline of calls waiting for their user's usage location: every `DIALOUT_SWEEP_POLL_MS`
 * it rejects the waiting calls past their deadline as UNKNOWN_USER (`ExpireAwaitingCall` on
 * each call's stream, in one transaction per page). A usage location learned at the same
 * moment moves the same call streams: one of the two gets a version conflict, is retried, and
 * finds the call decided. Several instances may sweep at once for the same reason.
 */
@Injectable()
export class AwaitingCallsSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('awaiting-calls-sweeper');
  private stopping = false;
  private loop?: Promise<void>;
  private pause = new AbortController();

  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: DialoutPolicyConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopping = false;
    this.loop ??= this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Rejects the calls past their deadline at `now`; returns how many it rejected. */
  async sweep(now = new Date()): Promise<number> {
    const due = await this.transactions.query<{ tenant_id: string; call_id: string }>(
      `SELECT tenant_id, call_id FROM rm_dialout_awaiting_calls WHERE deadline <= $1 ORDER BY deadline LIMIT ${PAGE}`,
      [now.toISOString()],
    );
    if (due.length === 0) return 0;
    const calls = due.map((row) => callStream(row.tenant_id, row.call_id));
    return retryOnVersionConflict(() =>
      this.transactions.run(async (sql) => {
        const batch = await new StreamBatch(this.store).read(
          sql,
          calls.map((call) => call.streamId),
        );
        let rejected = 0;
        for (const call of calls) {
          const awaiting = batch.state(call.streamId, callScreeningDecider).awaiting;
          const decided = batch.decide(
            call,
            callScreeningDecider,
            { type: 'ExpireAwaitingCall', now: now.toISOString() },
            { metadata: { correlationId: awaiting?.callId, causationId: awaiting?.startedEventId } },
          );
          if (decided.ok && decided.value.length > 0) rejected++;
        }
        await batch.append(sql);
        return rejected;
      }),
    );
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        // A full page of rejections may mean more are due: look again at once.
        if ((await this.sweep()) === PAGE) continue;
      } catch (error) {
        this.logger.warn({ msg: 'sweep of waiting calls failed; trying again', error: (error as Error).message });
      }
      await this.idle(this.config.DIALOUT_SWEEP_POLL_MS);
    }
  }

  private async idle(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.pause.signal }).catch(() => undefined);
    if (this.pause.signal.aborted) this.pause = new AbortController();
  }
}
