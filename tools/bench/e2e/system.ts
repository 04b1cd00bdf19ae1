/**
 * The running system for the end-to-end benchmark: reuse the one `npm start` runs when every
 * /health answers, else start it the same way (`node tools/up.mjs --no-demo`, in its own
 * process group, stopped through up.mjs's own SIGTERM path so that it stops what it started).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ProcessGroup, listenerPid } from './cpu';

export const ROOT = path.resolve(__dirname, '../../..');
export const RUN_DIR = path.join(ROOT, '.run/bench-e2e');

export const SERVICES = [
  { name: 'licensing', port: 3001 },
  { name: 'dialout-policy', port: 3002 },
  { name: 'pool-ledger', port: 3003 },
  { name: 'credit-wallet', port: 3004 },
  { name: 'toll-free', port: 3005 },
] as const;
export type ServiceName = (typeof SERVICES)[number]['name'];
/** Started by newer `npm start`s: measured and waited for when it runs, not required. */
export const OPTIONAL_SERVICES = [{ name: 'reporting', port: 3006 }] as const;

export const urlOf = (name: ServiceName) => `http://127.0.0.1:${SERVICES.find((s) => s.name === name)!.port}`;
export const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function systemHealthy(): Promise<boolean> {
  const answers = await Promise.all(SERVICES.map((s) => healthy(s.port)));
  return answers.every(Boolean);
}

async function anyPortTaken(): Promise<boolean> {
  return SERVICES.some((s) => listenerPid(s.port) !== undefined);
}

export interface RunningSystem {
  reused: boolean;
  brokers: string;
  stop(): Promise<void>;
}

/**
 * Reuses the system when all five services are healthy; otherwise starts `tools/up.mjs
 * --no-demo` (with `nodeOptions` for the services, e.g. --cpu-prof) and waits until healthy.
 */
export async function ensureSystem(options: {
  reuseOnly: boolean;
  build: boolean;
  instances?: number;
  /** Drop the services' databases before starting them (comparable figures: no bloat of earlier runs). */
  fresh?: boolean;
  nodeOptions?: string;
  log: (line: string) => void;
}): Promise<RunningSystem> {
  const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  if (await systemHealthy()) {
    if (options.fresh) throw new Error('--fresh: the system is running; stop it first (its databases cannot be dropped under it)');
    options.log('system: all five services answer /health: reusing them');
    return { reused: true, brokers, stop: async () => undefined };
  }
  if (options.reuseOnly) throw new Error('--reuse: the system is not running (no healthy /health on ports 3001–3005)');
  if (await anyPortTaken()) {
    throw new Error('ports 3001–3005 are partly taken by processes that are not a healthy system: someone else is starting or stopping one; wait and retry');
  }
  mkdirSync(RUN_DIR, { recursive: true });
  if (options.fresh) await dropServiceDatabases(options.log);
  const logFile = path.join(RUN_DIR, 'up.log');
  const args = ['tools/up.mjs', '--no-demo'];
  if (!options.build) args.push('--no-build');
  if ((options.instances ?? 1) > 1) args.push('--instances', String(options.instances));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (options.nodeOptions) env['NODE_OPTIONS'] = [process.env['NODE_OPTIONS'], options.nodeOptions].filter(Boolean).join(' ');
  options.log(
    `system: starting node ${args.join(' ')}${options.nodeOptions ? ` with NODE_OPTIONS="${options.nodeOptions}"` : ''} (log: ${path.relative(ROOT, logFile)})`,
  );
  // A file, not a pipe: with --keep the system outlives this process and must not write into a closed pipe.
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 600_000;
  while (!(await systemHealthy())) {
    if (gone) throw new Error(`tools/up.mjs exited before the system was healthy: see ${logFile}`);
    if (Date.now() > deadline) {
      await stopUp(child, exited);
      throw new Error(`the system was not healthy after 10 minutes: see ${logFile}`);
    }
    await sleep(1_000);
  }
  options.log('system: all five services healthy');
  return { reused: false, brokers, stop: () => stopUp(child, exited) };
}

/**
 * Drops every comms_credits_* database: each run then starts from empty tables, as the first
 * run on a fresh machine does. Where autovacuum is off (CI machines), tables keep every dead
 * row of earlier runs and grow slower statement by statement, so figures of runs on old
 * databases are not comparable.
 */
async function dropServiceDatabases(log: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL, application_name: 'bench-e2e-fresh' });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'comms\\_credits\\_%'`);
    for (const { datname } of rows) await client.query(`DROP DATABASE "${datname.replace(/"/g, '""')}" WITH (FORCE)`);
    log(`system: --fresh: dropped ${rows.length} service databases`);
  } finally {
    await client.end();
  }
}

/** SIGTERM to up.mjs alone: it stops the services (and Kafka if it started it) and exits. */
async function stopUp(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  await exited;
  clearTimeout(timer);
}

/** An operator token for the stack `npm start` runs (tools/auth, the development key set). */
export function operatorToken(): string {
  if (process.env['BENCH_TOKEN']) return process.env['BENCH_TOKEN'];
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'tools/auth/token.ts', '--role', 'operator', '--ttl', '12h', '--sub', 'bench-e2e'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const token = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !token) throw new Error(`npm run -s token failed: ${result.stderr}`);
  return token;
}

/** The processes whose CPU the benchmark reports: each service, the broker, our PostgreSQL backends, the rest of PostgreSQL. */
export function processGroups(instances = 1): ProcessGroup[] {
  const byPort = (port: number) => () => {
    const pid = listenerPid(port);
    return pid === undefined ? [] : [pid];
  };
  // Every instance of a service (tools/up.mjs --instances: the k-th on its port + 100 × (k − 1)).
  const instancesOf = (port: number) => () => Array.from({ length: instances }, (_, k) => byPort(port + 100 * k)()).flat();
  const brokerPort = Number((process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',')[0]!.split(':')[1]);
  return [
    ...[...SERVICES, ...OPTIONAL_SERVICES].map((s) => ({ name: s.name, pids: instancesOf(s.port) })),
    { name: 'kafka broker', pids: byPort(brokerPort) },
    { name: 'postgres: our backends', pids: () => postgresPids(`datname LIKE 'comms\\_credits\\_%'`) },
    {
      name: 'postgres: wal/ckpt/bgwriter',
      pids: () => postgresPids(`backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher', 'logical replication launcher')`),
    },
  ];
}

let pgClient: Client | undefined;
async function postgresPids(where: string): Promise<number[]> {
  if (!pgClient) {
    pgClient = new Client({ connectionString: POSTGRES_URL, application_name: 'bench-e2e-cpu' });
    await pgClient.connect();
  }
  const { rows } = await pgClient.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE ${where} AND pid <> pg_backend_pid()`);
  return rows.map((r) => r.pid);
}

export async function closePostgres(): Promise<void> {
  await pgClient?.end().catch(() => undefined);
  pgClient = undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface DatabaseCounters {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
  returned: number;
}

/** pg_stat_database counters of the services' databases (comms_credits_<service>). */
export async function databaseCounters(): Promise<Record<string, DatabaseCounters>> {
  const client = new Client({ connectionString: POSTGRES_URL, application_name: 'bench-e2e-stats' });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; c: string; r: string; i: string; u: string; d: string; f: string }>(
      `SELECT datname, xact_commit AS c, xact_rollback AS r, tup_inserted AS i, tup_updated AS u, tup_deleted AS d, tup_returned AS f
         FROM pg_stat_database WHERE datname LIKE 'comms\\_credits\\_%'`,
    );
    return Object.fromEntries(
      rows.map((row) => [
        row.datname.replace('comms_credits_', '').replace(/_/g, '-'),
        { commits: Number(row.c), rollbacks: Number(row.r), inserted: Number(row.i), updated: Number(row.u), deleted: Number(row.d), returned: Number(row.f) },
      ]),
    );
  } finally {
    await client.end();
  }
}

/**
 * The outbox relay publishes only below pg_snapshot_xmin, which waits for the oldest
 * transaction holding an xid on the whole server. Samples that age every `intervalMs`: in the
 * services' databases, and anywhere on the server (other databases, other people's tests).
 */
export class HorizonSampler {
  private readonly ours: number[] = [];
  private readonly anywhere: number[] = [];
  private timer?: NodeJS.Timeout;
  private client?: Client;
  private busy = false;

  async start(intervalMs = 200): Promise<void> {
    this.client = new Client({ connectionString: POSTGRES_URL, application_name: 'bench-e2e-horizon' });
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  private async sample(): Promise<void> {
    if (this.busy || !this.client) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ ours: string | null; anywhere: string | null }>(
        `SELECT 1000 * extract(epoch FROM clock_timestamp() - min(xact_start) FILTER (WHERE datname LIKE 'comms\\_credits\\_%')) AS ours,
                1000 * extract(epoch FROM clock_timestamp() - min(xact_start)) AS anywhere
           FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
      );
      this.ours.push(Number(rows[0]?.ours ?? 0));
      this.anywhere.push(Number(rows[0]?.anywhere ?? 0));
    } catch {
      /* a missed sample */
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<{ samples: number; oursMs: { mean: number; max: number }; anywhereMs: { mean: number; max: number } }> {
    clearInterval(this.timer);
    await this.client?.end().catch(() => undefined);
    const summary = (values: number[]) => ({ mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0, max: Math.max(0, ...values) });
    return { samples: this.ours.length, oursMs: summary(this.ours), anywhereMs: summary(this.anywhere) };
  }
}
