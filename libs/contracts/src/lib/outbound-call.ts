import { IsBoolean, IsIn, Matches, ValidateIf } from 'class-validator';
import { EventEnvelope } from './envelope';
import { E164, ISO_COUNTRY, OPAQUE_ID, SHORT_CODE, UTC_INSTANT } from './patterns';

/** The facts of an outbound call that do not depend on who makes it (see `OutboundCallFacts`). */
export abstract class OutboundCallRoute extends EventEnvelope {
  @Matches(OPAQUE_ID) callId!: string;
  @IsIn(['conf_out', 'user_out']) callType!: 'conf_out' | 'user_out';
  /** The meeting organizer (conf_out) or the caller (user_out). */
  @Matches(OPAQUE_ID) userId!: string;
  @Matches(E164) from!: string;
  /** E.164, or an emergency short code on user_out. */
  @ValidateIf((e: OutboundCallRoute) => !SHORT_CODE.test(String(e.to)))
  @Matches(E164)
  to!: string;
  /** Country of the dialled number (the caller's country for an emergency short code). */
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  @IsBoolean() zoneA!: boolean;
  @IsBoolean() emergency!: boolean;
  /** When the call started (from CallStarted). */
  @Matches(UTC_INSTANT) startedAt!: string;
}

/**
 * The facts of an outbound call that each stage of the admission chain hands to the next, so
 * no stage has to read another's data (`CallCleared`, `CallEntitled`, `CallHandedToWallet`).
 */
export abstract class OutboundCallFacts extends OutboundCallRoute {
  /** The user's usage location. */
  @Matches(ISO_COUNTRY) usageLocation!: string;
  @IsBoolean() domestic!: boolean;
}
