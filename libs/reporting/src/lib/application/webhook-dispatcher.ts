import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Transactions } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { Webhook } from 'standardwebhooks';
import { ReportingConfig } from '../reporting.config';
import { checkResolvedAddresses } from './url-policy';
import { retryDelayMs } from '../domain/webhook.events';

interface ClaimedDelivery {
  delivery_id: string;
  tenant_id: string;
  webhook_id: string;
  message_id: string;
  payload: Record<string, unknown>;
  attempts: number;
  give_up_at: Date;
  url: string;
  secret: string;
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Delivers the webhook outbox (docs/reporting.md, "Webhooks"). Every poll claims due deliveries
 * of enabled endpoints with a lease (so another instance, or this one after a crash, takes them
 * again only once the lease has run out), at most `REPORTING_WEBHOOK_ENDPOINT_CONCURRENCY` in
 * flight per endpoint and `REPORTING_WEBHOOK_CONCURRENCY` in all, and starts each attempt without
 * waiting for the others: a slow or dead receiver holds only its own endpoint's slots until its
 * timeout, never another endpoint's or tenant's deliveries. 2xx is delivered; anything else
 * (status, timeout, refused connection, a URL that now resolves to a private address) is retried
 * after base × 2^(n−1) (capped) until the delivery's retry window (24 h) has passed, then failed.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly transactions: Transactions,
    @Inject(SERVICE_CONFIG) private readonly config: ReportingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Before the database closes: no new claims, and the attempts in flight are recorded (or their lease runs out). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), this.config.REPORTING_WEBHOOK_POLL_MS);
    this.timer.unref();
  }

  /** One claim and the start of its attempts (public for tests that drive it). */
  async poll(): Promise<number> {
    if (this.polling || this.stopped) return 0;
    this.polling = true;
    try {
      const free = this.config.REPORTING_WEBHOOK_CONCURRENCY - this.total;
      if (free <= 0) return 0;
      const claimed = await this.claim(free);
      for (const delivery of claimed) this.start(delivery);
      return claimed.length;
    } catch (error) {
      this.logger.warn({ msg: 'webhook poll failed', err: (error as Error).message });
      return 0;
    } finally {
      this.polling = false;
    }
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const perEndpoint = this.config.REPORTING_WEBHOOK_ENDPOINT_CONCURRENCY;
    const busy = [...this.inFlight.entries()];
    const leaseMs = this.config.REPORTING_WEBHOOK_TIMEOUT_MS + 30_000;
    return this.transactions.run(async (sql) => {
      // Give up what is past its window first (a dead receiver's backlog ends here, not in a loop).
      await sql.query(
        `UPDATE webhook_deliveries SET status = 'failed', leased_until = NULL
          WHERE status = 'pending' AND give_up_at <= now() AND (leased_until IS NULL OR leased_until < now())`,
      );
      const { rows } = await sql.query<ClaimedDelivery>(
        `WITH candidates AS (
           SELECT d.delivery_id, row_number() OVER (PARTITION BY d.tenant_id, d.webhook_id ORDER BY d.next_attempt_at) AS n,
                  COALESCE(b.busy, 0) AS busy, d.next_attempt_at
             FROM webhook_deliveries d
             JOIN rm_webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.webhook_id = d.webhook_id AND e.enabled
             LEFT JOIN unnest($1::text[], $2::int[]) AS b(endpoint, busy) ON b.endpoint = d.tenant_id || '/' || d.webhook_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.leased_until IS NULL OR d.leased_until < now())
         ), picked AS (
           SELECT d.delivery_id FROM webhook_deliveries d JOIN candidates c USING (delivery_id)
            WHERE c.n + c.busy <= $3
            ORDER BY c.next_attempt_at LIMIT $4
            FOR UPDATE OF d SKIP LOCKED
         )
         UPDATE webhook_deliveries d SET leased_until = now() + make_interval(secs => $5::double precision / 1000)
           FROM picked, rm_webhook_endpoints e
          WHERE d.delivery_id = picked.delivery_id AND e.tenant_id = d.tenant_id AND e.webhook_id = d.webhook_id
          RETURNING d.delivery_id, d.tenant_id, d.webhook_id, d.message_id, d.payload, d.attempts, d.give_up_at, e.url, e.secret`,
        [busy.map(([k]) => k), busy.map(([, n]) => n), perEndpoint, limit, leaseMs],
      );
      return rows;
    });
  }

  private start(delivery: ClaimedDelivery): void {
    const endpoint = `${delivery.tenant_id}/${delivery.webhook_id}`;
    this.inFlight.set(endpoint, (this.inFlight.get(endpoint) ?? 0) + 1);
    this.total += 1;
    const run = this.attemptAndRecord(delivery)
      .catch((error) => this.logger.warn({ msg: 'recording a webhook attempt failed', deliveryId: delivery.delivery_id, err: (error as Error).message }))
      .finally(() => {
        const left = (this.inFlight.get(endpoint) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(endpoint);
        else this.inFlight.set(endpoint, left);
        this.total -= 1;
        this.running.delete(run);
      });
    this.running.add(run);
  }

  private async attemptAndRecord(delivery: ClaimedDelivery): Promise<void> {
    const at = new Date();
    const outcome = await this.attempt(delivery);
    const attempt = delivery.attempts + 1;
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const retryAt = new Date(Date.now() + retryDelayMs(attempt, this.config.REPORTING_WEBHOOK_RETRY_BASE_MS, this.config.REPORTING_WEBHOOK_RETRY_MAX_MS));
    const status = delivered ? 'succeeded' : retryAt.getTime() > delivery.give_up_at.getTime() ? 'failed' : 'pending';
    await this.transactions.run(async (sql) => {
      await sql.query(
        `INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [delivery.delivery_id, attempt, at, outcome.statusCode, outcome.error, outcome.durationMs],
      );
      // Only if the row is still ours (not cancelled or resent meanwhile).
      await sql.query(
        `UPDATE webhook_deliveries
            SET attempts = $2, last_status_code = $3, last_error = $4, leased_until = NULL,
                status = CASE WHEN status = 'pending' THEN $5 ELSE status END,
                next_attempt_at = $6, succeeded_at = CASE WHEN $5 = 'succeeded' THEN now() ELSE succeeded_at END
          WHERE delivery_id = $1`,
        [delivery.delivery_id, attempt, outcome.statusCode, outcome.error, status, retryAt],
      );
    });
  }

  /** One signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature over `id.timestamp.body`). */
  async attempt(delivery: Pick<ClaimedDelivery, 'message_id' | 'payload' | 'url' | 'secret'>): Promise<AttemptOutcome> {
    const started = Date.now();
    const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({ statusCode, error, durationMs: Date.now() - started });
    try {
      const url = new URL(delivery.url);
      const blocked = await checkResolvedAddresses(url, this.config.REPORTING_WEBHOOK_ALLOW_PRIVATE);
      if (blocked) return done(null, blocked);
      const body = JSON.stringify(delivery.payload);
      const timestamp = new Date();
      const signature = new Webhook(delivery.secret).sign(delivery.message_id, timestamp, body);
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'comms-credits-webhooks/1',
          'webhook-id': delivery.message_id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(this.config.REPORTING_WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      return done(response.status, response.ok ? null : `HTTP ${response.status}`);
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      const reason = err.name === 'TimeoutError' ? `no answer within ${this.config.REPORTING_WEBHOOK_TIMEOUT_MS} ms` : (err.cause?.code ?? err.message);
      return done(null, reason);
    }
  }
}
