import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the wallet, all inline (written in the append's transaction) and rebuilt from
 * the `wallet:<tenant>` streams. Money is integer minor units (`*_minor`, bigint), never floats.
 * - `rm_wallets`: one row per tenant: balance, held, settings, recharge state, and the wallet
 *   stream's version. Also the lock that serializes a tenant's money: every command and chunk
 *   `SELECT … FOR UPDATE`s it before deciding. The CHECKs are a last line of defence.
 * - `rm_wallet_lots`: funding lots, FIFO by `seq` (the stream position of their FundsAdded).
 * - `rm_wallet_calls`: the calls the wallet decided, their holds and rates (one decision each).
 * - `rm_wallet_recharges`: recharges asked of the payment gateway; the pending ones are the
 *   recharge worker's queue.
 * - `rm_wallet_transactions`: the ledger the API pages through, one row per money event.
 */
export class CreditWallet1764000000500 implements MigrationInterface {
  name = 'CreditWallet1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE rm_wallets (
        tenant_id               text        PRIMARY KEY,
        version                 bigint      NOT NULL DEFAULT 0,
        currency                text,
        billing_set_up          boolean     NOT NULL DEFAULT false,
        balance_minor           bigint      NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
        held_minor              bigint      NOT NULL DEFAULT 0 CHECK (held_minor >= 0),
        payment_token           text,
        payment_token_hint      text,
        recharge_enabled        boolean     NOT NULL DEFAULT false,
        recharge_trigger_minor  bigint,
        recharge_amount_minor   bigint,
        recharge_pending_id     uuid,
        recharge_pending_minor  bigint,
        recharges_requested     integer     NOT NULL DEFAULT 0,
        recharge_failures       integer     NOT NULL DEFAULT 0,
        recharge_retry_at       timestamptz
      )`);
    await runner.query(`CREATE INDEX rm_wallets_recharge_retry_idx ON rm_wallets (recharge_retry_at) WHERE recharge_failures > 0`);
    await runner.query(`
      CREATE TABLE rm_wallet_lots (
        tenant_id            text        NOT NULL,
        lot_id               uuid        NOT NULL,
        seq                  bigint      NOT NULL,
        source               text        NOT NULL,
        idempotency_key      text,
        recharge_id          uuid,
        currency             text        NOT NULL,
        amount_minor         bigint      NOT NULL CHECK (amount_minor > 0),
        remaining_minor      bigint      NOT NULL CHECK (remaining_minor >= 0),
        balance_after_minor  bigint      NOT NULL,
        purchased_at         timestamptz NOT NULL,
        expires_at           timestamptz NOT NULL,
        expired_at           timestamptz,
        PRIMARY KEY (tenant_id, lot_id)
      )`);
    await runner.query(`CREATE UNIQUE INDEX rm_wallet_lots_idempotency_idx ON rm_wallet_lots (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await runner.query(`CREATE INDEX rm_wallet_lots_open_idx ON rm_wallet_lots (tenant_id, seq) WHERE remaining_minor > 0`);
    await runner.query(`CREATE INDEX rm_wallet_lots_expiry_idx ON rm_wallet_lots (expires_at) WHERE remaining_minor > 0`);
    await runner.query(`
      CREATE TABLE rm_wallet_calls (
        tenant_id             text        NOT NULL,
        call_id               text        NOT NULL,
        status                text,
        funding               text,
        reason                text,
        hold_minor            bigint      NOT NULL DEFAULT 0,
        max_duration_seconds  integer,
        rate                  jsonb,
        charged_minor         bigint,
        decided_at            timestamptz,
        settled_at            timestamptz,
        PRIMARY KEY (tenant_id, call_id)
      )`);
    await runner.query(`
      CREATE TABLE rm_wallet_recharges (
        recharge_id    uuid        PRIMARY KEY,
        tenant_id      text        NOT NULL,
        currency       text        NOT NULL,
        amount_minor   bigint      NOT NULL,
        token          text        NOT NULL,
        status         text        NOT NULL,
        reason         text        NOT NULL,
        attempt        integer     NOT NULL,
        requested_at   timestamptz NOT NULL,
        completed_at   timestamptz,
        payment_id     text,
        failure_code   text
      )`);
    await runner.query(`CREATE INDEX rm_wallet_recharges_pending_idx ON rm_wallet_recharges (requested_at) WHERE status = 'pending'`);
    await runner.query(`
      CREATE TABLE rm_wallet_transactions (
        tenant_id            text        NOT NULL,
        seq                  bigint      NOT NULL,
        event_id             uuid        NOT NULL,
        type                 text        NOT NULL,
        currency             text,
        amount_minor         bigint      NOT NULL,
        held_minor           bigint      NOT NULL,
        balance_after_minor  bigint,
        call_id              text,
        causation_event_id   text,
        rate                 jsonb,
        lots                 jsonb       NOT NULL,
        details              jsonb       NOT NULL,
        occurred_at          timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      )`);
    await runner.query(`CREATE INDEX rm_wallet_transactions_call_idx ON rm_wallet_transactions (tenant_id, call_id) WHERE call_id IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rm_wallet_transactions, rm_wallet_recharges, rm_wallet_calls, rm_wallet_lots, rm_wallets`);
  }
}
