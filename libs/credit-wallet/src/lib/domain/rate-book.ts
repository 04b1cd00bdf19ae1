import { Currency } from '@comms-credits/contracts';
import { RateCard, RateTable } from './rate-card';
import type { WalletCommand } from './wallet.decider';

/** One version of the rate card as stored: the card, and who published it when. */
export interface RateCardVersion {
  card: RateCard;
  publishedAt: string;
  publishedBy: string;
}

/** A version as `GET /rates/versions` lists it. */
export interface RateCardVersionSummary {
  version: string;
  effectiveFrom: string;
  publishedAt: string;
  publishedBy: string;
}

interface Entry {
  from: number;
  table: RateTable;
  summary: RateCardVersionSummary;
}

/**
 * Every version of the rate card, by `effectiveFrom` (domain.md: a call is priced by the version
 * in force when it started; past versions never change). Pure data, like `RateTable`: the
 * application loads the versions, the decider reads the table in force at a call's start.
 */
export class RateBook {
  private readonly entries: readonly Entry[];

  constructor(versions: readonly RateCardVersion[]) {
    if (versions.length === 0) throw new RangeError('a rate book needs at least one version');
    this.entries = versions
      .map(({ card, publishedAt, publishedBy }) => ({
        from: instantOf(card.effectiveFrom),
        table: new RateTable(card),
        summary: { version: card.version, effectiveFrom: card.effectiveFrom, publishedAt, publishedBy },
      }))
      // Publication refuses two versions taking effect at one instant; publishedAt breaks a tie anyway.
      .sort((a, b) => a.from - b.from || instantOf(a.summary.publishedAt) - instantOf(b.summary.publishedAt));
  }

  /**
   * The version in force at `instant`: the last one whose `effectiveFrom` is at or before it.
   * Before the first version, the first: it is the oldest price the wallet has ever had (the
   * card it shipped with), and a call is better priced by it than refused for want of a card.
   */
  inForceAt(instant: string): RateTable {
    const at = instantOf(instant);
    let inForce = this.entries[0]!;
    for (const entry of this.entries) {
      if (entry.from > at) break;
      inForce = entry;
    }
    return inForce.table;
  }

  /** The wallet's currency: every version is in the first one's (publication refuses another). */
  get currency(): Currency {
    return this.entries[0]!.table.currency;
  }

  has(version: string): boolean {
    return this.entries.some((e) => e.summary.version === version);
  }

  /** The version taking effect at exactly this instant, if any. */
  effectiveAt(instant: string): RateCardVersionSummary | undefined {
    const at = instantOf(instant);
    return this.entries.find((e) => e.from === at)?.summary;
  }

  /** Every version, in the order they take effect. */
  versions(): RateCardVersionSummary[] {
    return this.entries.map((e) => ({ ...e.summary }));
  }
}

/**
 * The call a command prices, if it prices one: funding a call (its hold and, later, its charge)
 * and charging a pool overflow. Settlement charges the rate its hold recorded, so it needs none.
 */
export function pricedCallOf(command: WalletCommand): string | null {
  if (command.type === 'FundCall') return command.request.callId;
  if (command.type === 'ChargeOverflow') return command.callId;
  return null;
}

/**
 * The instant that picks a command's rate card: its call's start (domain.md: a call is priced by
 * the version in force when it started); the decision's time when the start is not known.
 */
export function pricingInstantOf(command: WalletCommand, callStartedAt: string | undefined): string {
  return pricedCallOf(command) !== null && callStartedAt ? callStartedAt : command.now;
}

function instantOf(iso: string): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new RangeError(`${JSON.stringify(iso)} is not an instant`);
  return at;
}
