import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wallet decides on snapshots of its decider's state instead of SQL read models that
 * re-derived it (issue 11, "one home for each money rule"): both are written by folding
 * `evolveWallet` in the append's transaction and rebuilt from the `wallet:<tenant>` streams.
 * - `wallet_snapshots`: one row per tenant, the tenant's state as JSON (bigints as strings), the
 *   stream version, and the lock that serializes a tenant's money. `balance_minor`, `held_minor`
 *   and `owed_minor` are copies of what the state says (computed by the domain, not SQL), kept
 *   for the CHECKs — the last line of defence — and for reports; `next_due_at` is when time
 *   alone changes the wallet (lot expiry, hold due, back-off end), the recharge worker's index.
 * - `wallet_call_snapshots`: one row per call the wallet knows, loaded only for the calls a
 *   command names.
 * `rm_wallets` and `rm_wallet_calls` were those re-derivations: dropped. `rm_wallet_recharges`
 * (the worker's queue) is now written by the snapshot projection, which knows the token a
 * recharge was asked with.
 */
export class WalletSnapshots1764000000520 implements MigrationInterface {
  name = 'WalletSnapshots1764000000520';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE wallet_snapshots (
        tenant_id      text        PRIMARY KEY,
        version        bigint      NOT NULL DEFAULT 0,
        state          jsonb,
        balance_minor  bigint      NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
        held_minor     bigint      NOT NULL DEFAULT 0 CHECK (held_minor >= 0),
        owed_minor     bigint      NOT NULL DEFAULT 0 CHECK (owed_minor >= 0),
        next_due_at    timestamptz
      )`);
    await runner.query(`CREATE INDEX wallet_snapshots_due_idx ON wallet_snapshots (next_due_at) WHERE next_due_at IS NOT NULL`);
    await runner.query(`
      CREATE TABLE wallet_call_snapshots (
        tenant_id  text   NOT NULL,
        call_id    text   NOT NULL,
        state      jsonb  NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`DROP TABLE rm_wallets, rm_wallet_calls`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE wallet_call_snapshots, wallet_snapshots`);
  }
}
