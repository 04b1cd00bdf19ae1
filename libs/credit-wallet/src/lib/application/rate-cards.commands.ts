import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DomainError, Result, ok } from '@comms-credits/domain-kit';
import { EventStore, SqlClient, Transactions } from '@comms-credits/event-store';
import { SERVICE_CONFIG } from '@comms-credits/platform';
import { CreditWalletConfig } from '../credit-wallet.config';
import { RateCardVersionSummary } from '../domain/rate-book';
import { RateCard, RateTable } from '../domain/rate-card';
import { RateCardPublished, decidePublication, missingCountries, rateProblems } from '../domain/rate-card.publication';
import { RateCardError } from '../rates/rate-card.loader';
import { RATE_COVERAGE } from '../rates/rate-coverage';
import { rateCardStream } from './credit-wallet.streams';
import { RateBooks, cardOf } from './rate-books';

/**
 * Publication of rate card versions, one at a time: the table lock lets one publisher decide on
 * the stored versions while nobody adds another (readers are not blocked), and the stream's
 * `no_stream` expectation is the backstop behind it.
 */
@Injectable()
export class RateCardCommands implements OnModuleInit {
  private readonly logger = new Logger('rate-cards');

  constructor(
    private readonly transactions: Transactions,
    private readonly store: EventStore,
    private readonly rateBooks: RateBooks,
    /** The configured card: the bundled one, or the file WALLET_RATE_CARD names. */
    private readonly configured: RateTable,
    @Inject(SERVICE_CONFIG) private readonly config: CreditWalletConfig,
  ) {}

  /** A new version, effective in the future; a refusal says why. */
  async publish(card: RateCard, publishedBy: string): Promise<Result<RateCardVersionSummary, DomainError>> {
    const result = await this.transactions.run(async (sql) => {
      await lockRateCards(sql);
      const book = await this.rateBooks.load(sql);
      const context = { now: new Date().toISOString(), minLeadMs: this.rateBooks.maxAgeMs, publishedBy, coverage: RATE_COVERAGE };
      const decision = decidePublication(book, card, context);
      if (!decision.ok) return decision;
      await this.append(sql, decision.value);
      const { publishedAt } = decision.value.data;
      return ok({ version: card.version, effectiveFrom: card.effectiveFrom, publishedAt, publishedBy });
    });
    if (result.ok) this.rateBooks.invalidate();
    return result;
  }

  /**
   * The configured card is the first version: published at the first start, so the book always
   * has one. Later it is left as stored: a published version never changes, so a configured card
   * that differs, or names a version not stored, is reported and not used.
   */
  async onModuleInit(): Promise<void> {
    const card = this.configured.card;
    await this.transactions.run(async (sql) => {
      await lockRateCards(sql);
      const { rows } = await sql.query<{ card: RateCard }>(`SELECT card FROM rm_rate_cards ORDER BY effective_from`);
      if (rows.length === 0) return this.publishFirst(sql, card);
      const stored = rows.map((r) => cardOf(r.card));
      if (stored[0]!.currency !== card.currency) {
        throw new RateCardError(`rate card ${card.version} is in ${card.currency}, but the stored versions (and the wallets) are in ${stored[0]!.currency}`);
      }
      const same = stored.find((s) => s.version === card.version);
      if (!same)
        this.logger.warn({
          msg: 'the configured rate card is not a stored version and is not used: publish it with PUT /rates/{version}',
          version: card.version,
        });
      else if (!isDeepStrictEqual(same, card))
        this.logger.warn({
          msg: 'the configured rate card differs from the stored version of that name, which stands (a version never changes): give it a new version',
          version: card.version,
        });
    });
    this.rateBooks.invalidate();
  }

  private async publishFirst(sql: SqlClient, card: RateCard): Promise<void> {
    const missing = missingCountries(card, RATE_COVERAGE);
    const problems = [
      ...rateProblems(card, RATE_COVERAGE).map((p) => `${p.name}: ${p.reason}`),
      ...missing.dialOut.map((c) => `dialOut: no rate for ${c}`),
      ...missing.tollFreeInbound.map((c) => `tollFreeInbound: no rate for ${c}`),
    ];
    if (problems.length > 0) throw new RateCardError(`rate card ${card.version} cannot be the first version:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    const publishedBy = this.config.WALLET_RATE_CARD ? `start-up (WALLET_RATE_CARD ${this.config.WALLET_RATE_CARD})` : 'start-up (bundled card)';
    await this.append(sql, { type: 'RateCardPublished', data: { card, publishedAt: new Date().toISOString(), publishedBy } });
  }

  private async append(sql: SqlClient, event: RateCardPublished): Promise<void> {
    const data = event.data as unknown as Record<string, unknown>;
    await this.store.append(sql, [{ ...rateCardStream(event.data.card.version), expectedVersion: 'no_stream', events: [{ type: event.type, data }] }]);
  }
}

/** Serializes publishers; plain reads of the table go on (SHARE ROW EXCLUSIVE blocks writers only). */
async function lockRateCards(sql: SqlClient): Promise<void> {
  await sql.query(`LOCK TABLE rm_rate_cards IN SHARE ROW EXCLUSIVE MODE`);
}
