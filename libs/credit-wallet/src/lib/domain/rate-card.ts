import { Currency } from '@comms-credits/contracts';

/** Billing increments in seconds: the first period, then each next one (60/60 = whole minutes). */
export interface Increment {
  first: number;
  next: number;
}

/** One country's price: per minute and per call, decimal strings in the card's currency. */
export interface Rate {
  country: string;
  perMinute: string;
  connectionFee: string;
}

/** The rate card as served at `GET /rates` (design.md): one entry per country and list. */
export interface RateCard {
  version: string;
  currency: Currency;
  effectiveFrom: string;
  increment: Increment;
  dialOut: Rate[];
  tollFreeInbound: Rate[];
}

/** Dial-out is priced by the destination's country, toll-free inbound by the number's country. */
export type RateKind = 'dial-out' | 'toll-free-inbound';

/** The rate a hold or charge used, written on it so every charge can be traced to its price. */
export interface AppliedRate extends Rate {
  kind: RateKind;
  currency: Currency;
  rateCardVersion: string;
  increment: Increment;
}

/** Rates by kind and country, looked up in constant time. Pure data: deciders may hold it. */
export class RateTable {
  private readonly byKind: Record<RateKind, ReadonlyMap<string, Rate>>;

  constructor(readonly card: RateCard) {
    this.byKind = {
      'dial-out': new Map(card.dialOut.map((rate) => [rate.country, rate])),
      'toll-free-inbound': new Map(card.tollFreeInbound.map((rate) => [rate.country, rate])),
    };
  }

  get currency(): Currency {
    return this.card.currency;
  }

  /** The rate for a call, or undefined: the country has no rate (the call cannot be billed). */
  lookup(kind: RateKind, country: string): AppliedRate | undefined {
    const rate = this.byKind[kind].get(country);
    if (!rate) return undefined;
    return { ...rate, kind, currency: this.card.currency, rateCardVersion: this.card.version, increment: this.card.increment };
  }
}
