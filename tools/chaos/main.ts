/**
 * The fault-injection suite (issue 12): `npm run test:chaos -- [--profile short|long] [--calls N] [--seed S]`.
 *
 * Starts its own PostgreSQL cluster and Kafka broker on free ports, two instances of every
 * service, seeds tenants through the API, then plays a load of call lifecycles (every upstream
 * event delivered up to three times, shuffled within its call) while it SIGKILLs and restarts
 * random instances, restarts the broker once and PostgreSQL once, and injects the hostile
 * messages of the shared fixture. When everything has settled it compares every tenant's books
 * and every call's decision with the reference model, and prints what it did, the figures and
 * PASS or FAIL (exit 1). docs/reliability.md says what it shows.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { Topics } from '@comms-credits/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testKeySet } from '@comms-credits/service-testing';
import { HostileMessage, eventually, hostileCallEnded, hostileCallStarted } from '@comms-credits/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Tenant, World } from '../../apps/system-e2e/src/scenario-kit';
import { Fleet, Instance, SERVICE_GROUPS, SERVICE_NAMES, ServiceName, mainJs, sleep } from './fleet';
import { PrivateKafka, PrivatePostgres, ROOT, freePort, removeDir } from './infra';
import { Observer } from './observer';
import { Decision, ORGANIZERS, Random, Rate, Workload, formatCents, generateWorkload } from './workload';

const HELP = `npm run test:chaos -- [options]

  --profile short|long   short: 300 calls at 3.5/s, 3 kills (CI); long: 3,000 calls at 6/s, 12 kills (default short)
  --calls N              call lifecycles (overrides the profile)
  --seed S               seed of the workload and of the fault plan (default: random, printed)
  --rate R               new call lifecycles per second offered (profile: 3.5 / 6)
  --tenants T            tenants (profile: 6 / 12)
  --kills K              random SIGKILLs (profile: 3 / 12)
  --no-build             use what dist/ holds (skip the nx build)
  --keep                 keep the run directory (logs, data) even when it passes
  --help
`;

const PROFILES = {
  // The load lasts calls / rate seconds: long enough for every fault to land during it.
  short: { calls: 300, rate: 3.5, tenants: 6, kills: 3, settleTimeoutMs: 240_000 },
  long: { calls: 3_000, rate: 6, tenants: 12, kills: 12, settleTimeoutMs: 900_000 },
} as const;
const PARTITIONS = 4;
const MAX_GRANT_MINUTES = 45;
const START_TIMEOUT_MS = 240_000;

// ── output ─────────────────────────────────────────────────────────────────────────────────────

const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
const say = (line: string) => process.stdout.write(`chaos ${stamp()}  ${line}\n`);
const secs = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);

// ── state every exit path cleans up ──────────────────────────────────────────────────────────

let runDir = '';
let postgres: PrivatePostgres | undefined;
let kafka: PrivateKafka | undefined;
let fleet: Fleet | undefined;
let observer: Observer | undefined;
let cleaned = false;

async function cleanup(keepLogs: boolean, keepAll: boolean): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  fleet?.killSync();
  await observer?.close().catch(() => undefined);
  kafka?.stopSync();
  await postgres?.stop('immediate').catch(() => undefined);
  if (!runDir || keepAll) return;
  if (keepLogs) {
    removeDir(path.join(runDir, 'pg'));
    removeDir(path.join(runDir, 'kafka'));
  } else removeDir(runDir);
}

function installSignalHandlers(): void {
  process.on('unhandledRejection', (error) => {
    process.stdout.write(`chaos: error: ${(error as Error)?.stack ?? String(error)}\n`);
    void cleanup(true, false).finally(() => {
      process.stdout.write('chaos: FAIL\n');
      process.exit(1);
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping everything the suite started`);
      void cleanup(true, false).finally(() => {
        process.stdout.write(`chaos: FAIL (interrupted)\n`);
        process.exit(130);
      });
    });
  }
  // Last resort (a bug, process.exit elsewhere): never leave processes behind.
  process.on('exit', () => {
    if (cleaned) return;
    fleet?.killSync();
    kafka?.stopSync();
    postgres?.stopSync();
  });
}

// ── faults ─────────────────────────────────────────────────────────────────────────────────────

interface FaultRecord {
  at: number;
  kind: 'kill' | 'broker' | 'postgres' | 'hostile';
  what: string;
  figures: Record<string, number | string | undefined>;
  done: Promise<void>;
}

/**
 * After a SIGKILL: when were the victim's partitions consumed again? For each partition it held
 * that had (or got) messages to consume, the time until the group committed past the offset it
 * had committed at the kill.
 */
async function partitionsResumed(
  obs: Observer,
  group: string,
  held: Map<string, number[]>,
  killedAt: number,
  timeoutMs = 90_000,
): Promise<{ resumedMs?: number; pending: number; idle: number }> {
  const topics = [...held.keys()];
  if (topics.length === 0) return { pending: 0, idle: 0 };
  const before = await obs.committed(group, topics).catch(() => new Map<string, bigint>());
  const open = new Map<string, bigint>();
  for (const [topic, partitions] of held) for (const p of partitions) open.set(`${topic}/${p}`, before.get(`${topic}/${p}`) ?? -1n);
  const resumed = new Map<string, number>();
  const pending = new Set<string>();
  const deadline = killedAt + timeoutMs;
  while (Date.now() < deadline && resumed.size < open.size) {
    try {
      const committed = await obs.committed(group, topics);
      for (const topic of topics) {
        const highs = await obs.highWatermarks(topic);
        for (const p of held.get(topic)!) {
          const key = `${topic}/${p}`;
          if (resumed.has(key)) continue;
          const start = open.get(key)!;
          if ((highs.get(p)?.high ?? 0n) > (start < 0n ? 0n : start)) pending.add(key);
          if ((committed.get(key) ?? -1n) > start) resumed.set(key, Date.now() - killedAt);
        }
      }
      // Done once every partition that had work has moved, and the others had 30 s to get some.
      if ([...pending].every((k) => resumed.has(k)) && Date.now() - killedAt > 30_000) break;
    } catch {
      /* broker busy: poll again */
    }
    await sleep(250);
  }
  const times = [...pending].map((k) => resumed.get(k)).filter((v): v is number => v !== undefined);
  const notResumed = [...pending].filter((k) => !resumed.has(k)).length;
  return { resumedMs: times.length && !notResumed ? Math.max(...times) : undefined, pending: pending.size, idle: open.size - pending.size };
}

/** The set-up's API calls are idempotent: retried on a rate limit (429) or a busy service (502/503). */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 10 || !/answered (429|502|503)/.test(String((error as Error)?.message))) throw error;
      await sleep(500 * attempt);
    }
  }
}

async function waitAllReady(target: Fleet, timeoutMs: number): Promise<number | undefined> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    if (await target.allReady()) return Date.now() - began;
    await sleep(250);
  }
  return undefined;
}

// ── main ───────────────────────────────────────────────────────────────────────────────────────

interface Options {
  profile: keyof typeof PROFILES;
  calls: number;
  seed: number;
  rate: number;
  tenants: number;
  kills: number;
  build: boolean;
  keep: boolean;
  settleTimeoutMs: number;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', default: 'short' },
      calls: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      tenants: { type: 'string' },
      kills: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  if (values.profile !== 'short' && values.profile !== 'long') throw new Error(`--profile must be short or long, got ${values.profile}`);
  const profile = PROFILES[values.profile];
  const int = (name: string, text: string | undefined, fallback: number, min = 1) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${text}`);
    return n;
  };
  return {
    profile: values.profile,
    calls: Math.floor(int('calls', values.calls, profile.calls)),
    seed: Math.floor(int('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0)),
    rate: int('rate', values.rate, profile.rate),
    tenants: Math.floor(int('tenants', values.tenants, profile.tenants)),
    kills: Math.floor(int('kills', values.kills, profile.kills, 0)),
    build: !values['no-build'],
    keep: values.keep,
    settleTimeoutMs: profile.settleTimeoutMs,
  };
}

async function build(services: readonly string[]): Promise<void> {
  const args = ['nx', 'run-many', '-t', 'build', '-p', services.join(','), '--outputStyle=static'];
  const env = { ...process.env, NX_DAEMON: process.env['NX_DAEMON'] ?? 'false', NX_TUI: 'false' };
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn('npx', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('close', (c) => resolve({ code: c, out: text }));
  });
  if (code !== 0) throw new Error(`build failed (npx ${args.join(' ')}):\n${out.split('\n').slice(-60).join('\n')}`);
}

interface Check {
  name: string;
  ok: boolean;
  detail: string[];
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (!options) return 0;
  installSignalHandlers();
  const checks: Check[] = [];
  const faults: FaultRecord[] = [];
  const phases: Record<string, number> = {};
  const load: number[] = [];
  const random = new Random(options.seed ^ 0x5eed);
  const services = SERVICE_NAMES;
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = Date.now() - phaseStart;
    phaseStart = Date.now();
  };

  say(
    `profile ${options.profile}: ${options.calls} call lifecycles, ${options.tenants} tenants, ${options.kills} kills, seed ${options.seed} (replay: --seed ${options.seed})`,
  );
  say(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  if (options.build) {
    say(`building ${services.join(', ')} (nx)…`);
    await build(services);
  }
  for (const service of services) if (!existsSync(mainJs(service))) throw new Error(`${mainJs(service)} is missing: build first (or drop --no-build)`);
  phase('build');

  runDir = mkdtempSync(path.join(tmpdir(), 'comms-credits-chaos-'));
  mkdirSync(path.join(runDir, 'logs'));
  postgres = new PrivatePostgres(path.join(runDir, 'pg'), await freePort());
  kafka = new PrivateKafka(path.join(runDir, 'kafka'));
  say(`run directory ${runDir}; starting a private PostgreSQL (port ${postgres.port}) and a private Kafka broker…`);
  await Promise.all([postgres.init().then(() => postgres!.start()), kafka.start()]);
  say(`PostgreSQL ${postgres.url}, Kafka ${kafka.brokers}`);

  await prepare(postgres, kafka.brokers, services);
  const keys = await testKeySet();
  fleet = new Fleet(services, {
    brokers: kafka.brokers,
    postgresUrl: postgres.url,
    jwksFile: keys.jwksFile,
    logDir: path.join(runDir, 'logs'),
    partitions: PARTITIONS,
    extra: {
      POOL_MAX_GRANT_MINUTES: String(MAX_GRANT_MINUTES),
      WALLET_MAX_HOLD_MINUTES: String(MAX_GRANT_MINUTES),
      // No hold or reservation may expire during the run (expiry is wall-clock; see docs/reliability.md).
      POOL_SETTLEMENT_GRACE_MINUTES: '1440',
      WALLET_SETTLEMENT_GRACE_MINUTES: '1440',
    },
  });
  say(`starting ${services.length} services × 2 instances…`);
  await fleet.start(START_TIMEOUT_MS);
  phase('start');
  say(`all ${fleet.instances.length} instances ready`);

  observer = new Observer(kafka.brokers);
  await observer.followDecisions(Topics.CallDecisions);

  // ── seed ──
  const url = (service: string) => fleet!.of(service as ServiceName)[0]!.url;
  const world = { system: { url }, rateCard: World.prototype.rateCard } as unknown as World;
  const card = await world.rateCard();
  const rates: Record<string, Rate> = Object.fromEntries(card.dialOut.map((r) => [r.country, { perMinute: r.perMinute, connectionFee: r.connectionFee }]));
  const startedAt = new Date().toISOString();
  const month = startedAt.slice(0, 7);
  const workload: Workload = generateWorkload({
    seed: options.seed,
    calls: options.calls,
    tenants: options.tenants,
    partitions: PARTITIONS,
    rate: options.rate,
    maxGrantMinutes: MAX_GRANT_MINUTES,
    rates,
    startedAt,
  });
  say(`workload: ${workload.calls.length} calls, ${workload.deliveries.length} messages; the model agrees with itself in 3 orders`);
  await Promise.all(
    workload.tenants.map(async (plan) => {
      const tenant = new Tenant(world, plan.tenantId);
      for (const [sku, seats] of Object.entries(plan.seats)) await retrying(() => tenant.seats(sku, seats!));
      for (const [userId, { licences }] of Object.entries(ORGANIZERS)) await retrying(() => tenant.user(userId, 'US', licences));
      // One idempotency key per tenant: a retried request adds the funds once.
      await retrying(() => tenant.fund(formatCents(plan.fundsCents), keyOf(`fund ${plan.tenantId}`)));
      await retrying(() =>
        tenant.autoRecharge('tok_sandbox_success', formatCents(plan.autoRecharge.triggerCents), formatCents(plan.autoRecharge.rechargeCents)),
      );
      const capacity = workload.expected.get(plan.tenantId)!.books.capacityMinutes;
      await eventually(
        async () => {
          const pool = await tenant.pool(month);
          if (pool.capacityMinutes !== capacity) throw new Error(`${plan.tenantId}: pool capacity ${pool.capacityMinutes}, expected ${capacity}`);
        },
        { timeoutMs: 60_000 },
      );
    }),
  );
  phase('seed');
  say(`seeded ${workload.tenants.length} tenants through the API (seats, users, licences, funds, auto-recharge); pools know their capacity`);

  // ── load and faults ──
  const loadMs = workload.deliveries[workload.deliveries.length - 1]!.atMs;
  const firstStartPublished = new Map<string, number>();
  const hostileValues = new Set<string>();
  const hostileSent: { topic: string; kinds: HostileMessage[] }[] = [];
  let published = 0;
  let publishRetries = 0;
  const loadBegan = Date.now();
  const loadSampler = setInterval(() => load.push(loadavg()[0]!), 5_000);
  const hostileAt = [0.15, 0.7].map((f) => f * loadMs);
  const hostileTenant = workload.tenants[0]!.tenantId;

  const publisher = (async () => {
    let next = 0;
    let hostileNext = 0;
    while (next < workload.deliveries.length) {
      const elapsed = Date.now() - loadBegan;
      if (hostileNext < hostileAt.length && elapsed >= hostileAt[hostileNext]!) {
        hostileNext++;
        const at = Date.now();
        for (const [topic, kinds] of [
          [Topics.CallStarted, hostileCallStarted(hostileTenant)],
          [Topics.CallEnded, hostileCallEnded(hostileTenant)],
        ] as const) {
          kinds.forEach((k) => hostileValues.add(hash(k.value)));
          await observer!.publish(
            topic,
            kinds.map((k) => ({ key: hostileTenant, value: k.value })),
          );
          hostileSent.push({ topic, kinds });
        }
        faults.push({
          at,
          kind: 'hostile',
          what: `${hostileCallStarted(hostileTenant).length} hostile messages on each of telephony.call-started and telephony.call-ended (tenant ${hostileTenant})`,
          figures: {},
          done: Promise.resolve(),
        });
      }
      const batch: typeof workload.deliveries = [];
      while (next < workload.deliveries.length && workload.deliveries[next]!.atMs <= elapsed) batch.push(workload.deliveries[next++]!);
      for (const topic of ['start', 'end'] as const) {
        const messages = batch.filter((d) => d.topic === topic);
        if (messages.length === 0) continue;
        const attempts = await observer!.publish(
          topic === 'start' ? Topics.CallStarted : Topics.CallEnded,
          messages.map((d) => ({ key: d.call.tenantId, value: JSON.stringify(d.event) })),
        );
        publishRetries += attempts - 1;
        const now = Date.now();
        for (const d of messages) if (topic === 'start' && !firstStartPublished.has(d.call.callId)) firstStartPublished.set(d.call.callId, now);
        published += messages.length;
      }
      await sleep(50);
    }
  })();

  // The fault plan: kills spread over the load, the broker at ~25 % (its restart is the longest), PostgreSQL at ~60 %.
  const plan: { atMs: number; kind: 'kill' | 'broker' | 'postgres' }[] = [];
  for (let k = 0; k < options.kills; k++)
    plan.push({ atMs: loadMs * (0.05 + (0.85 * (k + random.uniform(0.1, 0.9))) / Math.max(options.kills, 1)), kind: 'kill' });
  plan.push({ atMs: loadMs * 0.25, kind: 'broker' }, { atMs: loadMs * 0.6, kind: 'postgres' });
  plan.sort((a, b) => a.atMs - b.atMs);

  // Two chains: the kills, and the restarts of the broker and PostgreSQL. A kill waits while
  // the broker or PostgreSQL is down or recovering, so each recovery figure is its own fault's.
  let infraBusy = false;
  const runChain = async (steps: typeof plan) => {
    for (const step of steps) {
      const wait = loadBegan + step.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      while (step.kind === 'kill' && infraBusy) await sleep(200);
      if (step.kind === 'kill') {
        // A victim whose sibling is ready, so the group has someone to fail over to.
        const candidates: Instance[] = [];
        for (const instance of fleet!.instances) {
          const sibling = fleet!.of(instance.service).find((i) => i !== instance)!;
          if (instance.running && instance.readyAt && (await sibling.ready()).ok) candidates.push(instance);
        }
        if (candidates.length === 0) continue;
        const victim = random.pick(candidates);
        const { members } = await observer!.assignment(victim.service).catch(() => ({ members: new Map<string, Map<string, number[]>>() }));
        const held = members.get(victim.clientId) ?? new Map<string, number[]>();
        const at = Date.now();
        await victim.kill('SIGKILL');
        const restartAfter = random.int(1_000, 6_000);
        const record: FaultRecord = {
          at,
          kind: 'kill',
          what: `SIGKILL ${victim.name} (held ${[...held].map(([t, p]) => `${t.replace('telephony.', '')}/${p.join(',')}`).join(' ') || 'nothing'})`,
          figures: {},
          done: Promise.resolve(),
        };
        record.done = (async () => {
          const resumed = partitionsResumed(observer!, victim.service, held, at);
          await sleep(restartAfter);
          await victim.start();
          const readyMs = await victim.waitReady(START_TIMEOUT_MS).catch(() => undefined);
          const r = await resumed;
          Object.assign(record.figures, { restartedAfterMs: restartAfter, readyMs, resumedMs: r.resumedMs, pending: r.pending, idle: r.idle });
        })();
        record.done.catch(() => undefined); // awaited with the others at the end
        faults.push(record);
        say(`fault: ${record.what}; restart in ${secs(restartAfter)}`);
      } else {
        // Restart shared infrastructure with every instance up if that comes soon, so its recovery is its own.
        await waitAllReady(fleet!, 15_000);
        infraBusy = true;
        const at = Date.now();
        const record: FaultRecord = { at, kind: step.kind, what: '', figures: {}, done: Promise.resolve() };
        faults.push(record);
        const downFor = random.int(2_000, 5_000);
        if (step.kind === 'broker') {
          record.what = `Kafka broker restart (kafka.sh stop: SIGTERM, a controlled shutdown; ${secs(downFor)} down; kafka.sh start)`;
          say(`fault: ${record.what}`);
          await kafka!.stop();
          const stoppedAt = Date.now();
          await sleep(downFor);
          const startAt = Date.now();
          await kafka!.start();
          const upAt = Date.now();
          record.figures['downMs'] = upAt - at;
          record.figures['stopMs'] = stoppedAt - at;
          record.figures['startMs'] = upAt - startAt;
          record.done = measureInfraRecovery(record, upAt);
        } else {
          record.what = `PostgreSQL restart (pg_ctl stop -m immediate: a crash; ${secs(downFor)} down; WAL recovery at start)`;
          say(`fault: ${record.what}`);
          await postgres!.stop('immediate');
          await sleep(downFor);
          await postgres!.start();
          const upAt = Date.now();
          record.figures['downMs'] = upAt - at;
          record.done = measureInfraRecovery(record, upAt);
        }
        await record.done;
        infraBusy = false;
        say(
          `recovered: ${record.what.split(' (')[0]}: every instance ready ${secs(record.figures['allReadyMs'] as number)} after it was back, next decision after ${secs(record.figures['nextDecisionMs'] as number)}`,
        );
      }
    }
  };
  const injector = (async () => {
    await Promise.all([runChain(plan.filter((p) => p.kind === 'kill')), runChain(plan.filter((p) => p.kind !== 'kill'))]);
    await Promise.all(faults.map((f) => f.done));
  })();
  // A failed fault (a broker that does not come back) fails the run, after the publisher is done.
  injector.catch(() => undefined);

  async function measureInfraRecovery(record: FaultRecord, upAt: number): Promise<void> {
    const allReadyMs = await waitAllReady(fleet!, 180_000);
    record.figures['allReadyMs'] = allReadyMs === undefined ? undefined : Date.now() - upAt;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && observer!.firstDecisionAfter(upAt) === undefined) await sleep(100);
    const next = observer!.firstDecisionAfter(upAt);
    record.figures['nextDecisionMs'] = next === undefined ? undefined : next - upAt;
  }

  await publisher;
  const publishedAt = Date.now();
  phase('load');
  say(`published ${published} messages (${workload.calls.length} lifecycles) in ${secs(publishedAt - loadBegan)}; waiting for the faults to finish…`);
  await injector;
  clearInterval(loadSampler);

  // ── settle ──
  // Settled: every instance ready; every service group at lag 0 on every partition of every topic
  // it consumes; every instance's outbox backlog 0; both twice in a row, a second apart.
  const settleBegan = Date.now();
  let stable = 0;
  let lastLag = { total: -1, detail: [] as string[] };
  let lastBacklog: string[] = [];
  while (Date.now() - settleBegan < options.settleTimeoutMs) {
    try {
      const ready = await fleet.allReady();
      const groups = await observer.serviceGroups();
      const expected = services.flatMap((s) => SERVICE_GROUPS[s]);
      const missing = expected.filter((g) => !groups.includes(g));
      lastLag = await observer.lag(expected);
      lastBacklog = [];
      for (const instance of fleet.instances) {
        const text = await instance.metrics().catch(() => 'outbox_backlog_events{service="?"} -1');
        const match = /^outbox_backlog_events(?:\{[^}]*\})? (\S+)$/m.exec(text);
        if (!match || Number(match[1]) !== 0) lastBacklog.push(`${instance.name}: ${match?.[1] ?? 'no metric'}`);
      }
      stable = ready && missing.length === 0 && lastLag.total === 0 && lastBacklog.length === 0 ? stable + 1 : 0;
      if (stable >= 2) break;
    } catch {
      stable = 0;
    }
    await sleep(1_000);
  }
  const settledAt = Date.now();
  const settled = stable >= 2;
  checks.push({
    name: 'settled (every instance ready, lag 0 on every group and partition, outbox backlogs 0)',
    ok: settled,
    detail: settled ? [] : [...lastLag.detail.slice(0, 20), ...lastBacklog, ...(await fleet.notReady())],
  });
  phase('settle');
  say(
    settled
      ? `settled ${secs(settledAt - publishedAt)} after the last message (${secs(settledAt - settleBegan)} after the last fault)`
      : `NOT settled after ${secs(options.settleTimeoutMs)}`,
  );

  // ── verify ──
  const books = await verifyBooks(workload, world, month, checks);
  const decisionSummary = await verifyDecisions(workload, observer, checks);
  const dlt = await verifyDeadLetters(observer, hostileSent, hostileValues, checks);
  checks.push({
    name: 'no instance exited by itself',
    ok: fleet.unplanned.length === 0,
    detail: fleet.unplanned.map(
      (u) =>
        `${u.instance} exited (code ${u.exit.code}, signal ${u.exit.signal}) at +${secs(u.exit.at - loadBegan)}; restarted, ready after ${secs(u.restartedReadyMs)}`,
    ),
  });
  phase('verify');

  // ── report ──
  const latencies = workload.calls
    .map((c) => {
      const from = firstStartPublished.get(c.callId);
      const to = observer!.firstDecisionAt.get(c.callId);
      return from !== undefined && to !== undefined ? Math.max(0, to - from) : undefined;
    })
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const lifecyclesPerSecond = workload.calls.length / ((settledAt - loadBegan) / 1000);
  const w = workload.stats;
  const out: string[] = [];
  out.push('');
  out.push(`== chaos, profile ${options.profile}, seed ${options.seed}`);
  out.push(
    `system   ${services.length} services × 2 instances (separate processes, one group each), ${PARTITIONS} partitions, own Kafka ${kafka.brokers} and PostgreSQL ${postgres.url}`,
  );
  out.push(
    `load     ${workload.calls.length} call lifecycles (conf_out) for ${workload.tenants.length} tenants, offered ${options.rate}/s: ${published} messages = ${w.starts} starts + ${w.ends} ends + ${w.repeats} repeats (${w.renewedIds} under a new eventId), ${w.endsFirst} ends published before their start, ${w.overGrant} beyond the grant, ${w.zeroSeconds} of 0 s; ${publishRetries} publish retries`,
  );
  out.push(
    `faults   ${faults.filter((f) => f.kind === 'kill').length} SIGKILLs, 1 broker restart, 1 PostgreSQL restart, ${hostileSent.reduce((n, h) => n + h.kinds.length, 0)} hostile messages; unplanned exits: ${fleet.unplanned.length}`,
  );
  for (const f of faults.sort((a, b) => a.at - b.at)) {
    const at = `+${((f.at - loadBegan) / 1000).toFixed(1)} s`.padEnd(9);
    const g = f.figures;
    let figures = '';
    if (f.kind === 'kill') {
      figures = `its partitions consumed again after ${g['pending'] ? secs(g['resumedMs'] as number | undefined) : 'n/a (idle)'}${g['pending'] ? ` (${g['pending']} with work, ${g['idle']} idle)` : ''}; restarted after ${secs(g['restartedAfterMs'] as number)}, ready ${secs(g['readyMs'] as number | undefined)} after its start`;
    } else if (f.kind === 'broker' || f.kind === 'postgres') {
      const next = g['nextDecisionMs'] === undefined ? 'none (the load was over)' : `${secs(g['nextDecisionMs'] as number)} after`;
      const parts = g['stopMs'] !== undefined ? ` (stop ${secs(g['stopMs'] as number)}, start ${secs(g['startMs'] as number)})` : '';
      figures = `down ${secs(g['downMs'] as number)}${parts}; every instance ready ${secs(g['allReadyMs'] as number | undefined)} after it was back, next decision ${next}`;
    }
    out.push(`  ${at} ${f.what}${figures ? `: ${figures}` : ''}`);
  }
  out.push(
    `dead     ${dlt.hostileDeadLetters} dead letters, all of them hostile messages, each dead-lettered by every group of its topic; every partition moved on`,
  );
  out.push(
    `settled  ${secs(settledAt - publishedAt)} after the last message, ${secs(settledAt - settleBegan)} after the last fault recovered: every group at lag 0, outbox backlogs 0, every instance ready`,
  );
  out.push(`decisions ${decisionSummary.line}`);
  out.push(
    `latency  first CallStarted published → its decision seen: p50 ${secs(pct(50))}, p90 ${secs(pct(90))}, p99 ${secs(pct(99))}, max ${secs(latencies[latencies.length - 1])}`,
  );
  out.push(`books    ${books}`);
  out.push(
    `rate     ${workload.calls.length} lifecycles from the first message to settled in ${secs(settledAt - loadBegan)}: ${lifecyclesPerSecond.toFixed(1)} lifecycles/s (offered ${options.rate}/s)`,
  );
  const meanLoad = load.length ? load.reduce((a, b) => a + b, 0) / load.length : loadavg()[0]!;
  out.push(`machine  ${cpus().length} CPUs, load average (1 min) during the load: mean ${meanLoad.toFixed(1)}, max ${Math.max(...load, 0).toFixed(1)}`);
  out.push(
    `took     ${Object.entries(phases)
      .map(([k, v]) => `${k} ${secs(v)}`)
      .join(', ')}; total ${secs(Date.now() - t0)}`,
  );
  out.push('');
  for (const check of checks) {
    out.push(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}`);
    for (const line of check.detail.slice(0, 30)) out.push(`       ${line}`);
    if (check.detail.length > 30) out.push(`       … ${check.detail.length - 30} more`);
  }
  const passed = checks.every((c) => c.ok);
  if (!passed) out.push(`logs of every instance: ${path.join(runDir, 'logs')}`);
  process.stdout.write(`${out.join('\n')}\n`);
  await cleanup(!passed, options.keep);
  process.stdout.write(`chaos: ${passed ? 'PASS' : 'FAIL'}\n`);
  return passed ? 0 : 1;
}

/**
 * Creates the services' databases and topics before they start, so the first instances can
 * start together: concurrent CREATE DATABASE from one template fails ("being accessed by other
 * users"), and the services' own creation is only safe one at a time.
 */
async function prepare(pg: PrivatePostgres, brokers: string, services: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: `${pg.url}/postgres` });
  await client.connect();
  try {
    for (const service of services) await client.query(`CREATE DATABASE "comms_credits_${service.replace(/-/g, '_')}"`);
  } finally {
    await client.end();
  }
  const kafkaClient = new Kafka({ clientId: 'chaos-prepare', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafkaClient.admin();
  await admin.connect();
  try {
    const topics = Object.values(Topics).flatMap((t) => [t, `${t}.dlt`]);
    await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })) });
    await eventually(
      async () => {
        const { topics: found } = await admin.fetchTopicMetadata({ topics });
        if (!found.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0))) throw new Error('no leaders yet');
      },
      { timeoutMs: 60_000, message: 'the new topics got no leaders' },
    );
  } finally {
    await admin.disconnect();
  }
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────────

async function verifyBooks(workload: Workload, world: World, month: string, checks: Check[]): Promise<string> {
  const mismatches: string[] = [];
  let used = 0;
  let balanceCents = 0n;
  for (const plan of workload.tenants) {
    const expected = workload.expected.get(plan.tenantId)!.books;
    const tenant = new Tenant(world, plan.tenantId);
    const want: Record<string, string | number> = {
      capacityMinutes: expected.capacityMinutes,
      usedMinutes: expected.usedMinutes,
      reservedMinutes: expected.reservedMinutes,
      availableMinutes: expected.availableMinutes,
      balance: formatCents(expected.balanceCents),
      held: formatCents(expected.heldCents),
      owed: formatCents(expected.owedCents),
      available: formatCents(expected.availableCents),
      rechargePending: 'false',
    };
    let got: Record<string, string | number> = {};
    try {
      // The read models may trail their events by a moment: allow them a few seconds.
      await eventually(
        async () => {
          const pool = (await tenant.pool(month)) as unknown as Record<string, number>;
          const wallet = (await tenant.wallet()) as unknown as Record<string, { amount: string } | Record<string, unknown>>;
          const amount = (k: string) => (wallet[k] as { amount?: string } | undefined)?.amount ?? '(absent)';
          got = {
            capacityMinutes: pool['capacityMinutes']!,
            usedMinutes: pool['usedMinutes']!,
            reservedMinutes: pool['reservedMinutes'] ?? expected.reservedMinutes,
            availableMinutes: pool['availableMinutes']!,
            balance: amount('balance'),
            held: amount('held'),
            owed: amount('owed'),
            available: amount('available'),
            rechargePending: String((wallet['autoRecharge'] as { pending?: boolean } | undefined)?.pending ?? false),
          };
          if (Object.keys(want).some((k) => String(want[k]) !== String(got[k]))) throw new Error('differs');
        },
        { timeoutMs: 15_000, intervalMs: 250 },
      );
    } catch {
      const rows = Object.keys(want)
        .filter((k) => String(want[k]) !== String(got[k]))
        .map((k) => `${k} model ${want[k]} system ${got[k]}`);
      mismatches.push(`${plan.tenantId}: ${rows.join('; ') || 'unreadable'}`);
    }
    used += expected.usedMinutes;
    balanceCents += expected.balanceCents;
  }
  checks.push({
    name: `books of ${workload.tenants.length} tenants equal the model's (pool capacity, used, reserved, available; balance, held, owed, available; no recharge pending): nothing lost, nothing doubled, no hold or reservation left`,
    ok: mismatches.length === 0,
    detail: mismatches,
  });
  return `${workload.tenants.length} tenants: ${used} pool minutes used, ${formatCents(balanceCents)} left of ${formatCents(workload.tenants.reduce((s, t) => s + t.fundsCents, 0n))} funded, held 0.00, owed 0.00, no reserved minutes — ${mismatches.length === 0 ? 'every figure equal to the model' : `${mismatches.length} tenants differ from the model`}`;
}

function showDecision(decision: Decision | Record<string, unknown>): string {
  const d = decision as Record<string, unknown>;
  if (d['type'] === 'CallRejected') return `rejected ${String(d['reason'])}`;
  const split = d['split'] as { poolSeconds: number; creditSeconds: number } | undefined;
  return `admitted ${String(d['funding'])} for ${String(d['maxDurationSeconds'])} s${split && split.creditSeconds > 0 ? ` (pool ${split.poolSeconds} s + credits ${split.creditSeconds} s)` : ''}`;
}

async function verifyDecisions(workload: Workload, obs: Observer, checks: Check[]): Promise<{ line: string }> {
  const messages = await obs.readAll(Topics.CallDecisions);
  const byCall = new Map<string, Map<string, Record<string, unknown>>>();
  let copies = 0;
  let unreadable = 0;
  for (const m of messages) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(m.value?.toString() ?? '');
    } catch {
      unreadable++;
      continue;
    }
    const key = `${String(json['tenantId'])}/${String(json['callId'])}`;
    const ids = byCall.get(key) ?? new Map<string, Record<string, unknown>>();
    if (ids.has(String(json['eventId']))) copies++;
    ids.set(String(json['eventId']), json);
    byCall.set(key, ids);
  }
  const notOne: string[] = [];
  const differ: string[] = [];
  const tally = new Map<string, number>();
  for (const call of workload.calls) {
    const key = `${call.tenantId}/${call.callId}`;
    const decisions = [...(byCall.get(key)?.values() ?? [])];
    byCall.delete(key);
    if (decisions.length !== 1) {
      notOne.push(
        `${key}: ${decisions.length} decisions${decisions.length ? ` (${decisions.map((d) => `${showDecision(d)} by ${String(d['decidedBy'])}`).join('; ')})` : ''}`,
      );
      continue;
    }
    const observed = showDecision(decisions[0]!);
    const expected = showDecision(workload.expected.get(call.tenantId)!.decisions.get(call.callId)! as unknown as Record<string, unknown>);
    if (observed !== expected) differ.push(`${key} (${call.organizer} → ${call.country}): model ${expected}, system ${observed}`);
    const label = decisions[0]!['type'] === 'CallRejected' ? `rejected ${String(decisions[0]!['reason'])}` : `${String(decisions[0]!['funding'])}`;
    tally.set(label, (tally.get(label) ?? 0) + 1);
  }
  const stray = [...byCall.keys()];
  checks.push({
    name: `exactly one decision per call (${workload.calls.length} calls; distinct eventIds on calls.decisions)`,
    ok: notOne.length === 0,
    detail: notOne,
  });
  checks.push({ name: "every decision is the model's (funding, maxDurationSeconds, split, reason)", ok: differ.length === 0, detail: differ });
  checks.push({
    name: 'no decision for a call that was never made (hostile messages decided nothing)',
    ok: stray.length === 0 && unreadable === 0,
    detail: [...stray.map((s) => `decision for ${s}`), ...(unreadable ? [`${unreadable} unreadable messages`] : [])],
  });
  const parts = [...tally].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  return {
    line: `${messages.length - copies} on calls.decisions for ${workload.calls.length} calls (${parts.join(', ')}); ${copies} republished copies of a decision (same eventId, an outbox tail after a kill)`,
  };
}

/** A UUID-shaped key derived from `text` (the same on every retry). */
function keyOf(text: string): `${string}-${string}-${string}-${string}-${string}` {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hash(value: Buffer | string | null): string {
  return value === null ? 'null' : createHash('sha256').update(value).digest('hex');
}

/** Every dead letter on every `.dlt` topic that holds any (the non-empty ones read in parallel). */
async function readDeadLetters(
  obs: Observer,
): Promise<
  { topic: string; partition: number; offset: string; value: Buffer | null; reason: string; consumer: string; originalTopic: string; error: string }[]
> {
  const topics = (await obs.withAdmin((admin) => admin.listTopics())).filter((t) => t.endsWith('.dlt'));
  const nonEmpty: string[] = [];
  for (const topic of topics) {
    const marks = await obs.highWatermarks(topic);
    if ([...marks.values()].some((m) => m.high > m.low)) nonEmpty.push(topic);
  }
  const read = await Promise.all(nonEmpty.map(async (topic) => (await obs.readAll(topic)).map((m) => ({ topic, ...m }))));
  return read.flat().map((m) => ({
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    value: m.value,
    reason: m.headers['dlt-reason'] ?? '',
    consumer: m.headers['dlt-consumer'] ?? '',
    originalTopic: m.headers['dlt-original-topic'] ?? '',
    error: m.headers['dlt-error'] ?? '',
  }));
}

async function verifyDeadLetters(
  obs: Observer,
  sent: { topic: string; kinds: HostileMessage[] }[],
  hostile: Set<string>,
  checks: Check[],
): Promise<{ hostileDeadLetters: number }> {
  const letters = await readDeadLetters(obs);
  const unexpected: string[] = [];
  let hostileDeadLetters = 0;
  // Per (consumer group, original topic, reason): how many dead letters of the hostile ones.
  const counts = new Map<string, number>();
  for (const letter of letters) {
    const ours = hostile.has(hash(letter.value)) || letter.value === null || letter.value.length === 0;
    if (!ours) {
      unexpected.push(`${letter.topic} ${letter.partition}/${letter.offset} ${letter.reason} by ${letter.consumer}: ${letter.error.slice(0, 160)}`);
      continue;
    }
    hostileDeadLetters++;
    const key = `${letter.consumer}|${letter.originalTopic}|${letter.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Every group that consumes a topic dead-letters every hostile message sent there (at least once).
  const missing: string[] = [];
  for (const topic of new Set(sent.map((s) => s.topic))) {
    const expectedByReason = new Map<string, number>();
    for (const s of sent.filter((x) => x.topic === topic)) for (const k of s.kinds) expectedByReason.set(k.reason, (expectedByReason.get(k.reason) ?? 0) + 1);
    for (const group of SERVICE_NAMES) {
      const { topics } = await obs.assignment(group);
      if (!topics.has(topic)) continue;
      for (const [reason, n] of expectedByReason) {
        const got = counts.get(`${group}|${topic}|${reason}`) ?? 0;
        if (got < n) missing.push(`${group} on ${topic}: ${got} of ${n} ${reason}`);
      }
    }
  }
  checks.push({ name: 'every hostile message dead-lettered by every group that consumes its topic', ok: missing.length === 0, detail: missing });
  checks.push({ name: 'no valid event dead-lettered (every dead letter is a hostile message)', ok: unexpected.length === 0, detail: unexpected });
  return { hostileDeadLetters };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: Error) => {
    process.stdout.write(`chaos: error: ${error.stack ?? error.message}\n`);
    if (kafka) process.stdout.write(`kafka log tail:\n${kafka.logTail()}\n`);
    if (postgres) process.stdout.write(`postgres log tail:\n${postgres.logTail()}\n`);
    if (runDir) process.stdout.write(`logs of every instance: ${path.join(runDir, 'logs')}\n`);
    await cleanup(true, false);
    process.stdout.write('chaos: FAIL\n');
    process.exit(1);
  },
);
