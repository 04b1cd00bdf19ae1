/**
 * `npm run -s reconcile -- --tenant T --month YYYY-MM`: the usage report's totals of a tenant's
 * month (calls that started in it) against the pool's used minutes and the wallet's charges,
 * call by call; prints where they differ and exits 1 if they do (docs/reporting.md).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeySet, signDevToken } from '@comms-credits/platform';
import { reconcileFromApis } from '@comms-credits/reporting';

const HELP = `npm run -s reconcile -- --tenant T --month YYYY-MM [--json]

Compares the reporting service's usage rows of the month with GET /tenants/T/pool (+ /pool/calls)
and GET /tenants/T/wallet/transactions, and says where they differ. Exit 0: they agree; 1: they
differ; 2: bad arguments or a service did not answer.

environment:
  TOKEN                   an operator token (default: one signed with the development key of .run/auth)
  REPORTING_URL           default http://127.0.0.1:3006
  POOL_LEDGER_URL         default http://127.0.0.1:3003
  CREDIT_WALLET_URL       default http://127.0.0.1:3004`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { tenant: { type: 'string' }, month: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!values.tenant || !values.month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) {
    process.stderr.write(`reconcile: --tenant and --month YYYY-MM are required\n\n${HELP}\n`);
    return 2;
  }
  const token =
    process.env['TOKEN'] || (await signDevToken(await ensureDevKeySet(path.resolve('.run/auth')), { roles: ['operator'], sub: 'reconcile', ttlSeconds: 600 }));
  const get = async (url: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 300)}`);
    return JSON.parse(body) as unknown;
  };
  const result = await reconcileFromApis(
    {
      reporting: process.env['REPORTING_URL'] || 'http://127.0.0.1:3006',
      poolLedger: process.env['POOL_LEDGER_URL'] || 'http://127.0.0.1:3003',
      creditWallet: process.env['CREDIT_WALLET_URL'] || 'http://127.0.0.1:3004',
    },
    values.tenant,
    values.month,
    get,
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const currency = result.report.currency ?? result.wallet.currency ?? '';
    process.stdout.write(`${result.tenantId} ${result.month}: ${result.report.calls} calls in the report\n`);
    process.stdout.write(`  pool minutes  report ${result.report.poolMinutes}  pool ${result.pool.usedMinutes}\n`);
    process.stdout.write(`  charges       report ${result.report.charges} ${currency}  wallet ${result.wallet.charges} ${currency}\n`);
    if (result.agrees) process.stdout.write('  they agree\n');
    for (const d of result.differences) {
      process.stdout.write(
        `  DIFFERS ${d.kind}${d.callId ? ` call ${d.callId}` : ' (total)'}: report ${d.report ?? '-'}, ${d.kind === 'charge' ? 'wallet' : 'pool'} ${d.other ?? '-'} — ${d.note}\n`,
      );
    }
  }
  return result.agrees ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`reconcile: ${error.message}\n`);
    process.exitCode = 2;
  },
);
