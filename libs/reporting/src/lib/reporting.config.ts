import { ServiceConfig } from '@comms-credits/platform';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';

const bool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

/** The reporting service's settings (on top of every service's); docs/reporting.md says why each exists. */
export class ReportingConfig extends ServiceConfig {
  /**
   * Nobody waits on the report to decide a call: its consumer lets the broker gather up to
   * 256 KiB or a second of messages per fetch, so under a light load it applies a few big chunks
   * instead of one transaction per message (it consumes every topic; docs/benchmarks.md,
   * session 4).
   */
  override KAFKA_FETCH_MIN_BYTES = 256 * 1024;
  override KAFKA_FETCH_MAX_WAIT_MS = 1_000;

  /**
   * Webhook URLs may point at private, loopback and link-local addresses, and use plain http.
   * Off by default (production: https to public addresses only, checked again at every
   * delivery, so a DNS name cannot be turned into an internal address later); `npm start` and
   * the tests turn it on for receivers on 127.0.0.1.
   */
  @Transform(bool)
  @IsBoolean({ message: 'REPORTING_WEBHOOK_ALLOW_PRIVATE must be true or false' })
  REPORTING_WEBHOOK_ALLOW_PRIVATE = false;

  /** One delivery attempt waits this long for the receiver's answer. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(120_000)
  REPORTING_WEBHOOK_TIMEOUT_MS = 10_000;

  /** Back-off after the n-th failed attempt: base × 2^(n−1), capped at the max. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  REPORTING_WEBHOOK_RETRY_BASE_MS = 5_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  REPORTING_WEBHOOK_RETRY_MAX_MS = 3_600_000;

  /** A delivery is retried for this long after it was queued (or resent), then given up. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 86_400_000)
  REPORTING_WEBHOOK_RETRY_FOR_MS = 86_400_000;

  /** How often the dispatcher looks for due deliveries. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  REPORTING_WEBHOOK_POLL_MS = 250;

  /** Attempts in flight at once, all endpoints together. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  REPORTING_WEBHOOK_CONCURRENCY = 32;

  /** Attempts in flight at once to one endpoint: a slow receiver holds at most these. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  REPORTING_WEBHOOK_ENDPOINT_CONCURRENCY = 2;
}
