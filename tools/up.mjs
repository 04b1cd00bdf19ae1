#!/usr/bin/env node
// Bring up the whole system on this machine, without Docker:
//   PostgreSQL check -> Kafka (infra/kafka/kafka.sh) -> one Nx build -> six services -> /health green.
// Then it stays in the foreground; Ctrl-C stops everything it started.
//
//   node tools/up.mjs [--no-build] [--verbose] [--keep-kafka] [--help]
//
// Plain Node ESM on purpose: it must run right after `npm ci`, before anything is built.
// Other scripts may import SERVICES from here; main() runs only when this file is the entry point.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_TENANT, DEMO_USERS, seedDemoTenant } from './demo/seed.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The system, in start order. A later step (seeding, traffic simulator) reads this list. */
export const SERVICES = [
  { name: 'licensing', port: 3001, color: 36 }, // cyan
  { name: 'dialout-policy', port: 3002, color: 35 }, // magenta
  { name: 'pool-ledger', port: 3003, color: 33 }, // yellow
  { name: 'credit-wallet', port: 3004, color: 32 }, // green
  { name: 'toll-free', port: 3005, color: 34 }, // blue
  { name: 'reporting', port: 3006, color: 91 }, // bright red
];

const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };
/**
 * The services reach the local PostgreSQL over its Unix socket when it has one and lets us in
 * there (pg_hba may say `peer` for local connections and `trust` for 127.0.0.1): a statement
 * costs the client ~30 % less CPU than over loopback TCP (docs/benchmarks.md, sessions 6 and
 * 11). POSTGRES_SOCKET_DIR= (empty) keeps them on TCP. Set by ensurePostgres.
 */
const POSTGRES_SOCKET_DIR = process.env.POSTGRES_SOCKET_DIR ?? '/var/run/postgresql';
let postgresSocketDir = null;
const HEALTH_TIMEOUT_MS = 90_000;
const HEALTH_POLL_MS = 500;
const STOP_GRACE_MS = 15_000; // SIGTERM, then SIGKILL after this
const TAIL_LINES = 40; // log lines kept per service to explain a failure
const SHOWN_LEVELS = new Set(['warn', 'error', 'fatal']);

const USAGE = `usage: node tools/up.mjs [options]      (npm start)

Brings up the whole system locally: checks PostgreSQL on 127.0.0.1:5432, starts Kafka
(infra/kafka/kafka.sh, reusing a running broker), builds the six apps, starts them and
waits until every GET /health answers 200. Ctrl-C stops everything it started.

options:
  --no-build     start what is already in dist/ (skip npx nx run-many -t build)
  --verbose      show every log line of the services (default: warnings, errors and "is up")
  --keep-kafka   leave Kafka running on exit even if this script started it
  --no-demo      don't seed the demo tenant "contoso" nor start the telephony simulator
  --instances N  run N instances of every service (default 1; at most 4): instance k listens on
                 its port + 100 × (k − 1) and shares the service's database and consumer group
                 (scale-out on one machine; the console and the demo use the first)
  --help         show this help

environment:
  KAFKA_BROKERS  use this broker instead of starting one with kafka.sh (e.g. a remote one)
  AUTH_JWKS_URL / AUTH_JWKS_FILE (+ AUTH_ISSUER, AUTH_AUDIENCE)  trust this identity provider
                 instead of the development key set made in .run/auth/; the demo seeding then
                 needs DEMO_TOKEN (an operator token of that provider), or use --no-demo
  LOG_LEVEL, KAFKA_TOPIC_PARTITIONS, ...  passed through to every service
  <SERVICE>__<VARIABLE>  a setting of one service only, e.g.
                 POOL_LEDGER__KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY=0
  POSTGRES_SOCKET_DIR  where PostgreSQL's Unix socket is (default /var/run/postgresql; empty:
                 the services use TCP to 127.0.0.1:5432 even when the socket lets them in)
  NO_COLOR       plain output`;

// --- output --------------------------------------------------------------------------------

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (text) => paint(1, text);
const dim = (text) => paint(2, text);
const red = (text) => paint(31, text);
const green = (text) => paint(32, text);
const yellow = (text) => paint(33, text);

const LABEL_WIDTH = Math.max(...SERVICES.map((s) => s.name.length), 'kafka'.length);
const label = (name, color = 1) => paint(color, name.padEnd(LABEL_WIDTH));

/** Messages of this script itself, so they stand out from the services' lines. */
const say = (message) => console.log(`${label('up', 1)} ${message}`);
const warn = (message) => console.error(`${label('up', 1)} ${yellow(message)}`);
const fail = (message) => console.error(`${label('up', 1)} ${red(message)}`);

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// --- child processes -----------------------------------------------------------------------

/**
 * Every process this script started and still owns, so a signal at any moment (even during the
 * build or Kafka's start) can stop them. Children run in their own process group (detached):
 * a Ctrl-C in the terminal then reaches only this script, which stops them in order.
 */
const children = new Set();

function spawnOwned(command, args, options = {}) {
  const child = spawn(command, args, { cwd: ROOT, detached: true, ...options });
  children.add(child);
  child.closed = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      children.delete(child);
      resolve({ code: null, signal: null, error });
    });
  });
  return child;
}

/** Signals the child's whole process group (npx -> nx -> tsc), falling back to the child alone. */
function signalGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM, then SIGKILL if the child is still there after the grace period. */
async function stopChild(child, graceMs = STOP_GRACE_MS) {
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => {
    warn(`${child.displayName ?? child.pid} still running ${seconds(graceMs)} after SIGTERM, sending SIGKILL`);
    signalGroup(child, 'SIGKILL');
  }, graceMs);
  const result = await child.closed;
  clearTimeout(timer);
  return result;
}

/** Runs a command to completion, collecting its output; `onLine` sees each line as it comes. */
async function run(command, args, { env = process.env, onLine } = {}) {
  const child = spawnOwned(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const collect = (stream, name) =>
    createInterface({ input: stream }).on('line', (line) => {
      lines.push({ stream: name, line });
      onLine?.(line, name);
    });
  collect(child.stdout, 'stdout');
  collect(child.stderr, 'stderr');
  const { code, signal, error } = await child.closed;
  const stdout = lines.filter((l) => l.stream === 'stdout').map((l) => l.line);
  return { code, signal, error, stdout, all: lines.map((l) => l.line) };
}

// --- 1. PostgreSQL -------------------------------------------------------------------------

async function postgresAnswers(host = POSTGRES.host) {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    throw new Error('the "pg" package is missing: run `npm ci` first');
  }
  const client = new pg.Client({ ...POSTGRES, host, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error.message || error.code || String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The socket directory when the server answers there as it does on TCP; else the services stay on TCP. */
async function useSocketIfAllowed() {
  if (!POSTGRES_SOCKET_DIR) return;
  const dir = path.resolve(POSTGRES_SOCKET_DIR);
  if (!existsSync(path.join(dir, `.s.PGSQL.${POSTGRES.port}`))) return;
  const check = await postgresAnswers(dir);
  if (check.ok) postgresSocketDir = dir;
  else warn(`PostgreSQL's socket in ${dir} refuses user "${POSTGRES.user}" (${check.reason}): the services use TCP`);
}

/** Debian's way to start a cluster when there is no systemd (containers, CI machines). */
function startLocalClusters() {
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    return false;
  }
  let started = false;
  for (const version of versions) {
    say(`starting PostgreSQL ${version}: pg_ctlcluster --skip-systemctl-redirect ${version} main start`);
    const result = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      encoding: 'utf8',
    });
    if (result.status === 0) started = true;
    else {
      const why = [result.error?.message, result.stderr, result.stdout].filter(Boolean).join(' ').trim();
      warn(`pg_ctlcluster ${version} main start failed (exit ${result.status}): ${why || 'no output'}`);
    }
  }
  return started;
}

async function ensurePostgres() {
  const where = `${POSTGRES.host}:${POSTGRES.port}`;
  let check = await postgresAnswers();
  if (check.ok) {
    say(`PostgreSQL answers on ${where}`);
    return useSocketIfAllowed();
  }

  warn(`PostgreSQL does not answer on ${where} (${check.reason}); trying to start it`);
  if (startLocalClusters()) {
    // pg_ctlcluster returns once the server accepts connections, but give it a moment anyway.
    for (let i = 0; i < 10 && !(check = await postgresAnswers()).ok; i++) await sleep(500);
  }
  if (!check.ok) {
    throw new Error(
      `PostgreSQL does not answer on ${where} as user "${POSTGRES.user}" (${check.reason}).\n` +
        '  Start it (Debian: `pg_ctlcluster <version> main start`; local connections need trust auth), then run again.',
    );
  }
  say(`PostgreSQL started and answers on ${where}`);
  return useSocketIfAllowed();
}

// --- 2. Kafka ------------------------------------------------------------------------------

const KAFKA_SH = ['infra/kafka/kafka.sh'];

/** Starts Kafka with kafka.sh unless one runs already; returns the brokers and who owns them. */
async function ensureKafka() {
  if (process.env.KAFKA_BROKERS) {
    say(`using KAFKA_BROKERS=${process.env.KAFKA_BROKERS} from the environment (not starting Kafka)`);
    return { brokers: process.env.KAFKA_BROKERS, startedByUs: false };
  }
  // `status` first: `start` reuses a running broker too, but then it is not ours to stop.
  const status = await run('bash', [...KAFKA_SH, 'status']);
  const alreadyRunning = status.code === 0;

  say(alreadyRunning ? 'Kafka is already running (reusing it)' : 'starting Kafka (infra/kafka/kafka.sh start)…');
  kafkaState.starting = !alreadyRunning;
  const start = await run('bash', [...KAFKA_SH, 'start'], {
    // kafka.sh speaks on stderr (fetching jars, waiting); show it, it can take a while the first time
    onLine: (line, stream) => stream === 'stderr' && console.log(`${label('kafka')} ${dim(line)}`),
  });
  const brokersLine = start.stdout.filter((l) => l.startsWith('KAFKA_BROKERS=')).pop();
  if (start.code !== 0 || !brokersLine) {
    throw new Error(
      `could not start Kafka (kafka.sh start exited ${start.code ?? start.signal}).\n` +
        '  If another broker already listens on 127.0.0.1:9092, use it: KAFKA_BROKERS=127.0.0.1:9092 npm start',
    );
  }
  const brokers = brokersLine.slice('KAFKA_BROKERS='.length).trim();
  say(`Kafka ready at ${brokers}`);
  return { brokers, startedByUs: !alreadyRunning };
}

async function stopKafka() {
  say('stopping Kafka (infra/kafka/kafka.sh stop)…');
  const result = await run('bash', [...KAFKA_SH, 'stop'], {
    onLine: (line) => console.log(`${label('kafka')} ${dim(line)}`),
  });
  if (result.code !== 0) warn(`kafka.sh stop exited ${result.code ?? result.signal}`);
}

// --- 3. build ------------------------------------------------------------------------------

async function buildApps() {
  const args = ['nx', 'run-many', '-t', 'build', '-p', [...SERVICES.map((s) => s.name), CONSOLE.name].join(',')];
  say(`building ${SERVICES.length} apps and the ops console: npx ${args.join(' ')}`);
  const began = Date.now();
  // No Nx daemon: it would outlive this script as a background process nobody asked for.
  const env = { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false', NX_TUI: 'false' };
  const result = await run('npx', args, {
    env,
    onLine: options.verbose ? (line) => console.log(`${label('build')} ${dim(line)}`) : undefined,
  });
  if (shuttingDown) return; // interrupted on purpose: its output would only be noise
  if (result.code !== 0) {
    if (!options.verbose) result.all.slice(-60).forEach((line) => console.error(`${label('build')} ${line}`));
    throw new Error(`build failed (exit ${result.code ?? result.signal}): fix the error above and run again`);
  }
  say(`built in ${seconds(Date.now() - began)}`);
}

// --- access --------------------------------------------------------------------------------

const DEV_AUTH_DIR = path.join(ROOT, '.run/auth');

/**
 * The services need an identity provider's JWKS (design.md "Access"). Without one configured,
 * `npm run -s token` makes the development key set in .run/auth/ (or reuses it) and signs an
 * operator token for 12 hours, for the demo seeding and for the person at the terminal.
 */
async function ensureAuth() {
  if (process.env.AUTH_JWKS_URL || process.env.AUTH_JWKS_FILE) {
    say(`access: trusting ${process.env.AUTH_JWKS_URL || process.env.AUTH_JWKS_FILE} from the environment`);
    return { dev: false, token: process.env.DEMO_TOKEN || null };
  }
  const args = ['-r', '@swc-node/register', 'tools/auth/token.ts', '--role', 'operator', '--ttl', '12h', '--sub', 'dev-operator'];
  const result = await run(process.execPath, args);
  const token = result.stdout.at(-1)?.trim();
  if (result.code !== 0 || !token) {
    throw new Error(`could not make the development key set in .run/auth/:\n${result.all.join('\n')}`);
  }
  say('access: development key set in .run/auth/ (the services trust .run/auth/jwks.json)');
  return { dev: true, token, jwksFile: path.join(DEV_AUTH_DIR, 'jwks.json') };
}

// --- 4. services ---------------------------------------------------------------------------

const mainJs = (service) => path.join(ROOT, 'dist/apps', service.name, 'apps', service.name, 'src/main.js');
/** The service's database, over the socket when there is one (`?host=` names it; pg and TypeORM both honour it). */
function databaseUrl(service) {
  const url = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/comms_credits_${service.name.replace(/-/g, '_')}`;
  return postgresSocketDir ? `${url}?host=${encodeURIComponent(postgresSocketDir)}` : url;
}

const baseUrl = (service) => `http://127.0.0.1:${service.port}`;

function serviceEnv(service, brokers, auth) {
  const env = { ...process.env };
  // Settings that must differ per service never come from our own environment: five services
  // sharing one PORT or one database would clash. HOST neither: some shells export HOST as the
  // machine's name, which is no bind address; the local system listens on loopback only.
  for (const key of ['PORT', 'HOST', 'DATABASE_URL', 'KAFKA_GROUP_ID', 'KAFKA_CLIENT_ID']) delete env[key];
  return {
    ...env,
    PORT: String(service.port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl(service),
    KAFKA_BROKERS: brokers,
    KAFKA_GROUP_ID: service.name,
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    ...(auth.dev ? { AUTH_JWKS_FILE: auth.jwksFile } : {}),
    // Local development: webhooks may go to a receiver on this machine (npm run webhook-receiver).
    ...(service.name === 'reporting' ? { REPORTING_WEBHOOK_ALLOW_PRIVATE: process.env.REPORTING_WEBHOOK_ALLOW_PRIVATE || 'true' } : {}),
    ...settingsFor(service),
  };
}

/**
 * One service's own settings: `POOL_LEDGER__KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY=0` sets
 * `KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY=0` for pool-ledger only (benchmarks, experiments).
 */
function settingsFor(service) {
  const prefix = `${service.name.toUpperCase().replace(/-/g, '_')}__`;
  const settings = Object.entries(process.env)
    .filter(([key]) => key.startsWith(prefix) && key.length > prefix.length)
    .map(([key, value]) => [key.slice(prefix.length), value]);
  const fixed = settings.map(([key]) => key).filter((key) => PER_SERVICE_FIXED.includes(key));
  if (fixed.length > 0) throw new Error(`${fixed.map((k) => prefix + k).join(', ')}: npm start sets ${fixed.join(', ')} itself for every service`);
  return Object.fromEntries(settings);
}

/** What npm start sets for each service (ports, database, groups): never from `<SERVICE>__…`. */
const PER_SERVICE_FIXED = ['PORT', 'HOST', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_GROUP_ID', 'KAFKA_CLIENT_ID'];

/** Every service `count` times: instance k on the service's port + 100 × (k − 1). */
function fleetOf(count) {
  return SERVICES.flatMap((service) =>
    Array.from({ length: count }, (_, k) => (k === 0 ? service : { ...service, port: service.port + 100 * k, instance: k + 1 })),
  );
}

/** How an instance is named in the output: the service, and `#k` from the second one on. */
const shownName = (service) => (service.instance ? `${service.name}#${service.instance}` : service.name);

/** Fails early with a clear message instead of five EADDRINUSE stack traces. */
async function assertPortsFree(fleet) {
  for (const service of fleet) {
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(service.port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `port ${service.port} (${shownName(service)}) is already in use: is the system already running?\n` +
          `  see who holds it: ss -ltnp 'sport = :${service.port}'`,
      );
    }
  }
}

/** A service's JSON log line as one readable line; anything else (stderr, stack traces) as is. */
function formatLine(line) {
  if (!line.startsWith('{')) return { text: line, level: undefined };
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return { text: line, level: undefined };
  }
  // time, pid and hostname are left out: this terminal shows lines as they come, on one machine
  // eslint-disable-next-line no-unused-vars
  const { level, time, msg, context, service, err, pid, hostname, ...rest } = entry;
  const levelText = String(level ?? '')
    .toUpperCase()
    .padEnd(5);
  const coloredLevel = SHOWN_LEVELS.has(level) ? (level === 'warn' ? yellow(levelText) : red(levelText)) : dim(levelText);
  // the context is noise when it only repeats the service's name (the prefix says it already)
  const shownContext = context && context !== service ? dim(`[${context}] `) : '';
  let text = `${coloredLevel} ${shownContext}${msg ?? ''}`;
  // kafkajs puts the reason of a warning in `error` (e.g. "The group coordinator is not available")
  if (typeof rest.error === 'string' && !options.verbose) text += `: ${rest.error}`;
  if (err) text += `\n${err.stack ?? err.message ?? JSON.stringify(err)}`;
  if (options.verbose && Object.keys(rest).length > 0) text += ` ${dim(JSON.stringify(rest))}`;
  return { text, level, msg: String(msg ?? '') };
}

/** Starts one service; its lines go to our stdout (filtered) and to a short tail kept for errors. */
function startService(service, brokers, auth) {
  const child = spawnOwned(process.execPath, [mainJs(service)], {
    env: serviceEnv(service, brokers, auth),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.displayName = shownName(service);
  const entry = { ...service, child, url: baseUrl(service), tail: [], saidUp: false, healthy: false };

  const onLine = (line) => {
    const { text, level, msg } = formatLine(line);
    // Non-JSON lines are the unusual ones (start-up failures, crashes): always show them.
    const isFirstUp = !entry.saidUp && /\bis up\b/.test(msg ?? '');
    if (isFirstUp) entry.saidUp = true;
    const shown = options.verbose || level === undefined || SHOWN_LEVELS.has(level) || isFirstUp;
    if (shown) console.log(`${label(shownName(service), service.color)} ${text}`);
    entry.tail.push({ text, shown });
    if (entry.tail.length > TAIL_LINES) entry.tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  return entry;
}

/** The service's last lines, hidden ones included, to explain a failure; unless all are on screen already. */
function printTail(service) {
  const name = label(shownName(service), service.color);
  if (service.tail.length === 0) return console.error(`${name} ${bold('(no log output yet)')}`);
  if (service.tail.every((line) => line.shown)) return;
  console.error(`${name} ${bold(`last ${service.tail.length} log lines:`)}`);
  for (const { text } of service.tail) console.error(`${name}   ${text}`);
}

const describeExit = ({ code, signal, error }) => (error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`);

// --- 5. health -----------------------------------------------------------------------------

async function healthOf(service) {
  try {
    const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: error.cause?.code ?? error.message };
  }
}

/**
 * Polls every /health until all answer 200. Fails fast if a service exits meanwhile (its
 * own log says why) and after HEALTH_TIMEOUT_MS otherwise, naming those still not healthy.
 */
async function waitUntilHealthy(services) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  const exited = Promise.race(services.map((s) => s.child.closed.then((result) => ({ service: s, result }))));
  let early;
  exited.then((value) => (early = value));

  while (!shuttingDown) {
    if (early) {
      printTail(early.service);
      throw new Error(`${shownName(early.service)} exited during start-up (${describeExit(early.result)})`);
    }
    const pending = services.filter((s) => !s.healthy);
    const checks = await Promise.all(pending.map(async (s) => [s, await healthOf(s)]));
    for (const [service, check] of checks) {
      service.lastHealth = check;
      if (check.status === 200) service.healthy = true;
    }
    if (services.every((s) => s.healthy)) return;
    if (Date.now() > deadline) {
      const unhealthy = services.filter((s) => !s.healthy);
      for (const service of unhealthy) {
        printTail(service);
        console.error(`${label(shownName(service), service.color)} last /health: ${service.lastHealth.status || 'no answer'} ${service.lastHealth.body}`);
      }
      throw new Error(`not healthy after ${seconds(HEALTH_TIMEOUT_MS)}: ${unhealthy.map(shownName).join(', ')}`);
    }
    await sleep(HEALTH_POLL_MS);
  }
}

function printSummary(services, brokers, startedAt, auth) {
  const rows = [['service', 'url', 'health', 'docs'], ...services.map((s) => [shownName(s), s.url, `${s.url}/health`, `${s.url}/docs`])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const format = (row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const pool = services.find((s) => s.name === 'pool-ledger') ?? services[0];
  const wallet = services.find((s) => s.name === 'credit-wallet') ?? services[0];

  console.log('');
  console.log(green(bold(`All ${services.length} services healthy ${seconds(Date.now() - startedAt)} after start.`)));
  console.log('');
  console.log(bold(format(rows[0])));
  for (const row of rows.slice(1)) console.log(format(row));
  console.log('');
  console.log(`Kafka       ${brokers}`);
  console.log(
    `PostgreSQL  postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port} (databases comms_credits_*${postgresSocketDir ? `; the services over its socket in ${postgresSocketDir}` : ''})`,
  );
  console.log('');
  if (auth.dev) {
    console.log(`Access      development key set in .run/auth/; an operator token for 12 h (more: npm run -s token -- --help):`);
    console.log(`  export TOKEN=${auth.token}`);
  } else {
    console.log('Access      tokens of your identity provider (AUTH_JWKS_URL / AUTH_JWKS_FILE)');
  }
  console.log('');
  console.log(bold('Try:'));
  console.log(`  curl -s localhost:${pool.port}/health`);
  console.log(`  curl -s -H "Authorization: Bearer $TOKEN" localhost:${pool.port}/tenants/contoso/calls`);
  console.log(`  curl -s localhost:${wallet.port}/docs-json | head -c 400; echo          # /docs needs no token`);
  console.log('');
  console.log(dim(`Showing ${options.verbose ? 'all log lines' : 'warnings and errors only (--verbose for all)'}. Ctrl-C stops everything.`));
}

// --- the ops console ----------------------------------------------------------------------

/** The web console (apps/ops-console): its server serves the build and passes /api/<service> on. */
const CONSOLE = { name: 'ops-console', port: 3000, color: 94 };

/**
 * Starts the console's server once the services answer; resolves when it listens, rejects
 * (stopping everything, like a service that does not start) when it exits first, e.g. port 3000 taken.
 */
async function startConsole(services, auth) {
  const env = { ...process.env, PORT: String(CONSOLE.port), HOST: '127.0.0.1' };
  for (const s of services) env[`${s.name.toUpperCase().replace(/-/g, '_')}_URL`] = s.url;
  const child = spawnOwned(process.execPath, ['-r', '@swc-node/register', 'apps/ops-console/server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.displayName = CONSOLE.name;
  const lines = [];
  await new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (line.includes('ops-console is up')) resolve();
        else if (stream === child.stderr) console.error(`${label(CONSOLE.name, CONSOLE.color)} ${line}`);
      });
    }
    child.closed.then((result) =>
      reject(
        new Error(
          `the ops console did not start (${describeExit(result)}): ${lines.join(' ') || 'no output'}\n  is port ${CONSOLE.port} taken? ss -ltnp 'sport = :${CONSOLE.port}'`,
        ),
      ),
    );
  });
  const url = `http://127.0.0.1:${CONSOLE.port}`;
  console.log('');
  console.log(`${bold('Ops console')} ${url}`);
  if (auth.dev && auth.token) console.log(`  development sign-in link (operator, 12 h): ${url}/sign-in#token=${auth.token}`);
  else console.log('  sign in with a bearer token of your identity provider');
  console.log('');
  child.closed.then((result) => !shuttingDown && warn(`the ops console exited (${describeExit(result)}); the services keep running`));
}

// --- hooks for later steps -----------------------------------------------------------------

/**
 * Runs once every /health is green: seeds the demo tenant and starts the telephony simulator
 * at a gentle rate (owned, so shutdown() stops it with the services). `--no-demo` skips both.
 * @param {Array<{name: string, port: number, url: string}>} services
 */
export async function afterHealthy(services, brokers, auth) {
  if (options['no-demo']) return;
  if (!auth.token) {
    warn('no demo: with an identity provider, set DEMO_TOKEN (an operator token) to seed the demo tenant');
    return;
  }
  const urls = Object.fromEntries(services.map((s) => [s.name, s.url]));
  const { tollFreeNumber } = await seedDemoTenant(urls, say, auth.token);
  const args = ['-r', '@swc-node/register', 'tools/telephony-sim/main.ts', '--brokers', brokers, '--tenants', DEMO_TENANT];
  args.push('--users', DEMO_USERS.join(','), '--rate', '1', '--duration', '300', '--speedup', '30');
  if (tollFreeNumber) args.push('--toll-free', tollFreeNumber);
  const sim = spawnOwned(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = label('telephony-sim', 36);
  for (const stream of [sim.stdout, sim.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`${prefix} ${line}`));
  }
  say(`simulated traffic started (1 call/s, ~5-minute calls at 30× speed); watch it move:`);
  const withToken = '-H "Authorization: Bearer $TOKEN"';
  console.log(`  curl -s ${withToken} localhost:3003/tenants/${DEMO_TENANT}/pool; echo`);
  console.log(`  curl -s ${withToken} localhost:3004/tenants/${DEMO_TENANT}/wallet; echo`);
  console.log(`  curl -s ${withToken} 'localhost:3004/tenants/${DEMO_TENANT}/wallet/transactions?limit=5'; echo`);
  console.log(`  curl -s ${withToken} localhost:3005/tenants/${DEMO_TENANT}/toll-free-numbers; echo`);
  console.log(`  curl -s ${withToken} 'localhost:3006/tenants/${DEMO_TENANT}/usage?limit=5'; echo        # the usage report`);
  console.log(`  curl -s ${withToken} -H 'Accept: text/csv' localhost:3006/tenants/${DEMO_TENANT}/usage -o usage.csv`);
  console.log(`  curl -s ${withToken} 'localhost:3006/tenants/${DEMO_TENANT}/usage/summary?groupBy=callType'; echo`);
}

// --- 6. shutdown ---------------------------------------------------------------------------

const kafkaState = { starting: false, startedByUs: false };
let running = []; // the services, once started
let shuttingDown = null;

/**
 * Stops the services (in parallel: they do not depend on each other for shutdown), then any
 * other child still running (a build, kafka.sh), then Kafka if this script started it.
 * Idempotent: a second call waits for the first.
 */
function shutdown(exitCode, reason) {
  if (shuttingDown) return shuttingDown;
  shuttingDown = (async () => {
    if (reason) (exitCode === 0 ? say : fail)(reason);
    // First what feeds the services (the simulator hangs up its calls), so its last events
    // are still consumed; then the services; then anything else.
    const serviceChildren = new Set(running.map((s) => s.child));
    await Promise.all([...children].filter((child) => !serviceChildren.has(child)).map((child) => stopChild(child)));
    const services = running.filter((s) => children.has(s.child));
    if (services.length > 0) say(`stopping ${services.map((s) => s.name).join(', ')} (SIGTERM)…`);
    await Promise.all(
      services.map(async (s) => {
        const result = await stopChild(s.child);
        console.log(`${label(s.name, s.color)} ${dim(`stopped (${describeExit(result)})`)}`);
      }),
    );
    await Promise.all([...children].map((child) => stopChild(child)));
    const ownKafka = kafkaState.startedByUs || kafkaState.starting;
    if (ownKafka && !options['keep-kafka']) await stopKafka();
    else if (ownKafka) say('leaving Kafka running (--keep-kafka); stop it with: bash infra/kafka/kafka.sh stop');
    if (exitCode === 0) say('all stopped');
    else if (services.length > 0 || ownKafka) say('stopped');
    process.exit(exitCode);
  })();
  return shuttingDown;
}

function installSignalHandlers() {
  let firstAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (!firstAt) {
        firstAt = Date.now();
        return void shutdown(0, `${signal} received`);
      }
      // Under `npm start` one Ctrl-C arrives twice (from the terminal, and forwarded by npm).
      if (Date.now() - firstAt < 2000) return;
      // An impatient second Ctrl-C: no more grace for the services, but Kafka still stops cleanly.
      warn(`${signal} again: killing the services now`);
      for (const s of running) signalGroup(s.child, 'SIGKILL');
    });
  }
  // Last resort if this script dies of a bug: never leave services behind.
  process.on('exit', () => {
    for (const child of children) signalGroup(child, 'SIGKILL');
  });
}

// --- main ----------------------------------------------------------------------------------

let options = {};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseOptions(argv) {
  try {
    return parseArgs({
      args: argv,
      options: {
        'no-build': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'keep-kafka': { type: 'boolean', default: false },
        'no-demo': { type: 'boolean', default: false },
        instances: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

/** Watches the services after start-up: one that dies takes the rest down, loudly. */
function watchForCrashes(services) {
  for (const service of services) {
    service.child.closed.then((result) => {
      if (shuttingDown) return;
      printTail(service);
      shutdown(1, `${shownName(service)} exited unexpectedly (${describeExit(result)}); stopping the rest`);
    });
  }
}

export async function main(argv = process.argv.slice(2)) {
  options = parseOptions(argv);
  if (options.help) return console.log(USAGE);
  const instances = Number(options.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 4) {
    console.error(`--instances must be a whole number from 1 to 4, not ${JSON.stringify(options.instances)}\n\n${USAGE}`);
    process.exit(2);
  }
  const fleet = fleetOf(instances);
  const startedAt = Date.now();
  installSignalHandlers();
  process.on('uncaughtException', (error) => void shutdown(1, `bug in tools/up.mjs: ${error.stack}`));

  try {
    await assertPortsFree(fleet);
    await ensurePostgres();
    const kafka = await ensureKafka();
    kafkaState.startedByUs = kafka.startedByUs;
    kafkaState.starting = false;
    if (shuttingDown) return;
    if (!options['no-build']) await buildApps();
    if (shuttingDown) return;
    const auth = await ensureAuth();
    if (shuttingDown) return;

    say(`starting ${SERVICES.map((s) => s.name).join(', ')}${instances > 1 ? ` × ${instances} instances` : ''}…`);
    const servicesStartedAt = Date.now();
    running = fleet.map((service) => startService(service, kafka.brokers, auth));
    await waitUntilHealthy(running);
    if (shuttingDown) return;
    say(`all healthy ${seconds(Date.now() - servicesStartedAt)} after the services started`);
    watchForCrashes(running);
    printSummary(running, kafka.brokers, startedAt, auth);
    const firsts = running.filter((s) => !s.instance);
    await startConsole(firsts, auth);
    await afterHealthy(
      firsts.map(({ name, port, url }) => ({ name, port, url })),
      kafka.brokers,
      auth,
    );
  } catch (error) {
    if (shuttingDown) return; // a signal interrupted a step; shutdown() reports and exits
    await shutdown(1, error.message);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
