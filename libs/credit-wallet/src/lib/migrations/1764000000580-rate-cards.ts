import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `rm_rate_cards`: one row per published version of the rate card (inline, from the
 * `RateCardPublished` events of the `rate-card:<version>` streams), what the rate book is loaded
 * from. The card is kept whole; a version never changes once written. `effective_from` is unique:
 * two versions taking effect at one instant would leave the price of a call to chance.
 */
export class RateCards1764000000580 implements MigrationInterface {
  name = 'RateCards1764000000580';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_rate_cards (
        version         text        PRIMARY KEY,
        effective_from  timestamptz NOT NULL UNIQUE,
        currency        text        NOT NULL,
        card            jsonb       NOT NULL,
        published_at    timestamptz NOT NULL,
        published_by    text        NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_rate_cards`);
  }
}
