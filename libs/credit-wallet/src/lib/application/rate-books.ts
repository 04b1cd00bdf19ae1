import { Inject, Injectable } from '@nestjs/common';
import { SqlClient, Transactions } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { CreditWalletConfig } from '../credit-wallet.config';
import { RateBook, RateCardVersion } from '../domain/rate-book';
import { Rate, RateCard } from '../domain/rate-card';

interface RateCardRow {
  card: RateCard;
  published_at: Date;
  published_by: string;
}

/**
 * The rate book, cached. Every chunk of calls needs it, and it changes only when a version is
 * published, so it is read from `rm_rate_cards` at most every `WALLET_RATES_REFRESH_MS`, and at
 * once on this instance after a publication. Another instance may keep its old book for up to
 * that long; that is safe because a new version must take effect later than that
 * (`decidePublication`'s `minLeadMs`): by the time it is in force, every instance has it.
 */
@Injectable()
export class RateBooks {
  private cached: { book: RateBook; loadedAt: number } | null = null;
  private readonly refreshMs: number;

  constructor(
    private readonly transactions: Transactions,
    @Inject(SERVICE_CONFIG) config: CreditWalletConfig,
  ) {
    this.refreshMs = config.WALLET_RATES_REFRESH_MS;
  }

  /** How long a cached book may be used: also the least notice a new version must give. */
  get maxAgeMs(): number {
    return this.refreshMs;
  }

  /** The book, at most `refreshMs` old; read in the caller's transaction when it gives one. */
  async current(sql?: SqlClient): Promise<RateBook> {
    if (this.cached && Date.now() - this.cached.loadedAt < this.refreshMs) return this.cached.book;
    const loadedAt = Date.now();
    const book = await this.load(sql);
    this.cached = { book, loadedAt };
    return book;
  }

  /** The book as stored now, bypassing the cache (publication decides on it, under its lock). */
  async load(sql?: SqlClient): Promise<RateBook> {
    const text = `SELECT card, published_at, published_by FROM rm_rate_cards ORDER BY effective_from`;
    const rows = sql ? (await sql.query<RateCardRow>(text)).rows : await this.transactions.query<RateCardRow>(text);
    if (rows.length === 0) throw new Error('no rate card is stored: the configured card is published at start-up (RateCardSeeder)');
    return new RateBook(rows.map(versionOf));
  }

  /** After a publication on this instance: the next call reads the new book. */
  invalidate(): void {
    this.cached = null;
  }
}

function versionOf(row: RateCardRow): RateCardVersion {
  return { card: cardOf(row.card), publishedAt: row.published_at.toISOString(), publishedBy: row.published_by };
}

/** The card in the order `GET /rates` shows it (jsonb does not keep the keys' order). */
export function cardOf(card: RateCard): RateCard {
  const rate = ({ country, perMinute, connectionFee }: Rate): Rate => ({ country, perMinute, connectionFee });
  return {
    version: card.version,
    currency: card.currency,
    effectiveFrom: card.effectiveFrom,
    increment: { first: card.increment.first, next: card.increment.next },
    dialOut: card.dialOut.map(rate),
    tollFreeInbound: card.tollFreeInbound.map(rate),
  };
}
