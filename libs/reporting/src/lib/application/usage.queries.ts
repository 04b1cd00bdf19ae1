import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { UsagePage as UsageReportPage } from '@comms-credits/contracts';
import { Transactions } from '@comms-credits/event-store';
import { stringify } from 'csv-stringify';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import Decimal from 'decimal.js';
import { formatAmount } from '../domain/money-format';
import { USAGE_COLUMNS, UsageRow } from '../domain/usage-row';
import { UsageRange, encodeCursor } from '../domain/usage-range';
import { SummaryGroup, SummaryGroupView } from '../domain/usage-summary';

export interface UsageFilter {
  tenantId: string;
  range: UsageRange;
  callType?: string;
  userId?: string;
  funding?: string;
}

/** A page of `GET /tenants/{t}/usage`: the contract's page, of the service's rows. */
export interface UsagePage extends UsageReportPage {
  items: UsageRow[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

interface UsageDbRow {
  usage_id: string;
  call_id: string;
  user_id: string | null;
  call_type: string | null;
  from_number: string | null;
  to_number: string | null;
  from_country: string | null;
  to_country: string | null;
  start_time: Date | null;
  end_time: Date | null;
  duration_seconds: number | null;
  charge: string | null;
  connection_fee: string | null;
  currency: string | null;
  capability: string | null;
  funding: string | null;
  pool_minutes: number | null;
  decision: 'admitted' | 'rejected' | null;
  reason: string | null;
  rate_card_version: string | null;
}

const SELECT_COLUMNS = `usage_id, call_id, user_id, call_type, from_number, to_number, from_country, to_country, start_time, end_time,
  duration_seconds, charge::text AS charge, connection_fee::text AS connection_fee, currency, capability, funding, pool_minutes,
  decision, reason, rate_card_version`;

/** The filter as SQL: the tenant, the start-time range, and the optional equalities ($1…$6). */
const WHERE = `tenant_id = $1 AND start_time >= $2 AND start_time < $3
  AND ($4::text IS NULL OR call_type = $4) AND ($5::text IS NULL OR user_id = $5) AND ($6::text IS NULL OR funding = $6)`;

function filterParams(f: UsageFilter): unknown[] {
  return [f.tenantId, f.range.from.toISOString(), f.range.to.toISOString(), f.callType ?? null, f.userId ?? null, f.funding ?? null];
}

/** A database row as the report shows it: the same for JSON and CSV. */
export function usageRowFromDb(r: UsageDbRow): UsageRow {
  return {
    usageId: r.usage_id,
    callId: r.call_id,
    userId: r.user_id,
    callType: r.call_type as UsageRow['callType'],
    fromNumber: r.from_number,
    toNumber: r.to_number,
    fromCountry: r.from_country,
    toCountry: r.to_country,
    startTime: r.start_time?.toISOString() ?? null,
    endTime: r.end_time?.toISOString() ?? null,
    durationSeconds: r.duration_seconds,
    charge: r.charge === null ? null : formatAmount(r.charge, r.currency),
    connectionFee: r.connection_fee === null ? null : formatAmount(r.connection_fee, r.currency),
    currency: r.currency,
    capability: r.capability,
    funding: r.funding,
    poolMinutes: r.pool_minutes,
    decision: r.decision,
    reason: r.reason,
    rateCardVersion: r.rate_card_version,
  };
}

/**
 * A usage row as a CSV record, in `USAGE_COLUMNS` order: nulls are empty fields, amounts are
 * the report's decimal strings (never floats), instants ISO-8601 UTC.
 */
export function csvRecordOf(row: UsageRow): string[] {
  return USAGE_COLUMNS.map((column) => {
    const value = row[column];
    return value === null || value === undefined ? '' : String(value);
  });
}

/** The CSV encoder of the report: RFC 4180 (CRLF records, fields with `,` `"` CR or LF quoted, `"` doubled), with a header row. */
export function usageCsvStringifier() {
  return stringify({ header: true, columns: [...USAGE_COLUMNS], record_delimiter: '\r\n' });
}

@Injectable()
export class UsageQueries {
  constructor(
    private readonly transactions: Transactions,
    private readonly dataSource: DataSource,
  ) {}

  /** One page of rows by start time then call id, after `after` (keyset: stable while rows are added). */
  async page(filter: UsageFilter, limit: number, after?: { startTime: string; callId: string }): Promise<UsagePage> {
    const rows = await this.transactions.query<UsageDbRow>(
      `SELECT ${SELECT_COLUMNS} FROM rm_usage
        WHERE ${WHERE} AND ($7::timestamptz IS NULL OR (start_time, call_id) > ($7::timestamptz, $8::text))
        ORDER BY start_time, call_id LIMIT $9`,
      [...filterParams(filter), after?.startTime ?? null, after?.callId ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(usageRowFromDb);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.startTime!, last.callId) : null };
  }

  /**
   * Every row of the range as CSV into `destination`, streamed: a server-side cursor
   * (pg-query-stream, in one read-only snapshot) reads `batchSize` rows at a time and the
   * destination's back-pressure paces it, so memory stays flat whatever the range holds. The
   * connection goes back to the pool when the export ends, fails or the client goes away
   * (the pipeline then fails with the destination's close, and the cursor is closed).
   */
  async exportCsv(filter: UsageFilter, destination: Writable, batchSize = 1_000): Promise<void> {
    const runner = this.dataSource.createQueryRunner('slave');
    const client = (await runner.connect()) as PoolClient;
    let failed = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const rows = client.query(
        new QueryStream(`SELECT ${SELECT_COLUMNS} FROM rm_usage WHERE ${WHERE} ORDER BY start_time, call_id`, filterParams(filter), { batchSize }),
      );
      const toRecords = new Transform({
        objectMode: true,
        transform(row: UsageDbRow, _encoding, done) {
          done(null, csvRecordOf(usageRowFromDb(row)));
        },
      });
      await pipeline(rows, toRecords, usageCsvStringifier(), destination);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
      await runner.release();
    }
  }

  /** Calls, minutes, pool minutes and charges per group: the rules of `summarize`, as one GROUP BY. */
  async summary(filter: UsageFilter, groupBy: SummaryGroup): Promise<{ groups: SummaryGroupView[]; totals: Omit<SummaryGroupView, 'key'> }> {
    const key = {
      day: `to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
      callType: 'call_type',
      country: 'to_country',
      user: 'user_id',
    }[groupBy];
    const rows = await this.transactions.query<{
      key: string | null;
      calls: number;
      rejected_calls: number;
      minutes: string;
      pool_minutes: string;
      charges: string;
      currency: string | null;
    }>(
      `SELECT ${key} AS key, count(*)::int AS calls, count(*) FILTER (WHERE decision = 'rejected')::int AS rejected_calls,
              COALESCE(sum(ceil(duration_seconds / 60.0)) FILTER (WHERE decision = 'admitted'), 0)::text AS minutes,
              COALESCE(sum(pool_minutes), 0)::text AS pool_minutes, COALESCE(sum(charge), 0)::text AS charges, min(currency) AS currency
         FROM rm_usage WHERE ${WHERE}
        GROUP BY 1 ORDER BY 1 NULLS LAST`,
      filterParams(filter),
    );
    const currency = rows.find((r) => r.currency !== null)?.currency ?? null;
    const groups = rows.map((r) => ({
      key: r.key,
      calls: r.calls,
      rejectedCalls: r.rejected_calls,
      minutes: Number(r.minutes),
      poolMinutes: Number(r.pool_minutes),
      charges: { amount: formatAmount(r.charges, r.currency ?? currency), currency: r.currency ?? currency },
    }));
    const charges = rows.reduce((sum, r) => sum.plus(r.charges), new Decimal(0));
    const totals = {
      calls: groups.reduce((n, g) => n + g.calls, 0),
      rejectedCalls: groups.reduce((n, g) => n + g.rejectedCalls, 0),
      minutes: groups.reduce((n, g) => n + g.minutes, 0),
      poolMinutes: groups.reduce((n, g) => n + g.poolMinutes, 0),
      charges: { amount: formatAmount(charges, currency), currency },
    };
    return { groups, totals };
  }
}
