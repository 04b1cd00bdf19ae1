import { ServiceConfig } from '@comms-credits/platform';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** The dial-out policy service's settings (on top of every service's); docs/dialout-policy.md. */
export class DialoutPolicyConfig extends ServiceConfig {
  /**
   * How long a call whose verdict needs its user's usage location waits for licensing to name
   * it before it is rejected as UNKNOWN_USER.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DIALOUT_USER_WAIT_MS = 30_000;

  /** How often the sweep looks for waiting calls past their deadline (a deadline is met to within this). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  DIALOUT_SWEEP_POLL_MS = 1_000;
}
