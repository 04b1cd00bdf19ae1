import { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model: the calls a service has seen (one row per call, start and end in any order). */
export class CallLog1764000000100 implements MigrationInterface {
  name = 'CallLog1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_call_log (
        tenant_id         text        NOT NULL,
        call_id           text        NOT NULL,
        call_type         text,
        user_id           text,
        from_number       text,
        to_number         text,
        meeting_id        text,
        started_at        timestamptz,
        ended_at          timestamptz,
        duration_seconds  integer,
        last_position     bigint      NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`CREATE INDEX rm_call_log_recent_idx ON rm_call_log (tenant_id, started_at DESC NULLS LAST, call_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_call_log`);
  }
}
