import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pool reservations (domain.md, "The pool reserves what it grants"): minutes reserved per month
 * for calls in progress, and each reservation with the time its call's end is due by, for the
 * expiry sweep.
 */
export class PoolReservations1764000000410 implements MigrationInterface {
  name = 'PoolReservations1764000000410';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_pool_months ADD COLUMN reserved_minutes integer NOT NULL DEFAULT 0`);
    await runner.query(`
      CREATE TABLE rm_pool_reservations (
        tenant_id  text        NOT NULL,
        call_id    text        NOT NULL,
        month      text        NOT NULL,
        minutes    integer     NOT NULL,
        due_by     timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_pool_reservations_due_idx ON rm_pool_reservations (due_by)`);
    await runner.query(
      `ALTER TABLE rm_pool_calls ADD COLUMN reserved_minutes integer, ADD COLUMN settlement_missing boolean NOT NULL DEFAULT false, ADD COLUMN excess_seconds integer`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE rm_pool_calls DROP COLUMN reserved_minutes, DROP COLUMN settlement_missing, DROP COLUMN excess_seconds`);
    await runner.query(`DROP TABLE rm_pool_reservations`);
    await runner.query(`ALTER TABLE rm_pool_months DROP COLUMN reserved_minutes`);
  }
}
