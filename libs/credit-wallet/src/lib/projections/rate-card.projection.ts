import { DataOf, Projection, RecordedEvent, SqlClient, dataOf } from '@comms-credits/event-store';
import { RateCardPublished } from '../domain/rate-card.publication';

type Published = DataOf<RateCardPublished, 'RateCardPublished'>;

/** `rm_rate_cards`: the published versions of the rate card, for the rate book (inline). */
export const rateCardProjection: Projection = {
  name: 'credit-wallet-rate-cards',
  handles: ['RateCardPublished'],
  tables: ['rm_rate_cards'],
  async apply(sql: SqlClient, events: RecordedEvent[]): Promise<void> {
    const published = events.filter((e) => e.streamType === 'rate-card').map((e) => dataOf<Published>(e));
    if (published.length === 0) return;
    await sql.query(
      `INSERT INTO rm_rate_cards (version, effective_from, currency, card, published_at, published_by)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::text[])`,
      [
        published.map((p) => p.card.version),
        published.map((p) => p.card.effectiveFrom),
        published.map((p) => p.card.currency),
        published.map((p) => JSON.stringify(p.card)),
        published.map((p) => p.publishedAt),
        published.map((p) => p.publishedBy),
      ],
    );
  },
};
