import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * design.md "Money additions": `POST /tenants/{t}/toll-free-numbers` honours `Idempotency-Key`.
 * One row per (tenant, key), written in the transaction of the acquisition it answers for: a
 * repeat finds it (under the account's lock) and returns the same number.
 */
export class TollFreeIdempotency1764000000601 implements MigrationInterface {
  name = 'TollFreeIdempotency1764000000601';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE tf_acquisition_keys (
        tenant_id        text        NOT NULL,
        idempotency_key  text        NOT NULL,
        country          text        NOT NULL,
        number           text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, idempotency_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE tf_acquisition_keys`);
  }
}
