/**
 * `npm run bench:e2e`: the whole system end to end, as telephony sees it.
 *
 * Starts the system like `npm start -- --no-demo` (or reuses it when every /health answers),
 * seeds tenants through the HTTP API with an operator token, then for each offered rate
 * publishes CallStarted on telephony.call-started at that fixed rate for a fixed time (open
 * loop), and then a burst of calls at once. Each CallEnded is sent the moment the call's
 * decision arrives on calls.decisions. After each phase it waits until the books are settled
 * (every service's consumer group has lag 0 on every topic, every outbox is empty, and every
 * tenant's pool and wallet read models equal what the decisions and durations imply, computed
 * here from GET /rates) and prints decision latency, throughput, CPU seconds per process,
 * per-hop times and whether the books came out right.
 *
 *   npm run bench:e2e -- --rates 20,200 --seconds 30 --burst 5000 --tenants 50
 *   npm run bench:e2e -- --help
 */
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Api, TenantPlan, seedTenants } from './e2e/api';
import { ExpectedBooks, RateCard, checkBooks, fmtCents, BooksCheck } from './e2e/books';
import { CpuSampler, loadAverage } from './e2e/cpu';
import { SettleProbe, outboxBacklog } from './e2e/settle';
import { DatabaseCounters, HorizonSampler, RUN_DIR, closePostgres, databaseCounters, ensureSystem, operatorToken, processGroups, sleep } from './e2e/system';
import { CallRecord, Telephony } from './e2e/telephony';

const HELP = `npm run bench:e2e -- [options]

  --warmup 20             seconds of an unmeasured warm-up phase first (0: none), so that the
                          measured phases find the broker's and the services' code compiled (JIT)
  --warmup-rate 50        offered load of the warm-up, in calls/s
  --rates 20,50,100,200   offered loads in calls/s, one phase each (0 or empty: none)
  --seconds 30            length of each fixed-rate phase
  --burst 5000            calls published at once after the fixed-rate phases (0: no burst)
  --tenants 50            tenants seeded through the API (fresh ones every run)
  --users 3               organizers and callers per tenant (each kind)
  --mix 60,25,15          % Zone A conf_out on the pool, % non-Zone-A conf_out on credits, % domestic user_out on a calling plan
  --durations 30-300      reported call durations in seconds (uniform)
  --settle-timeout 600    seconds to wait for the books to settle after a phase
  --reuse                 only reuse a running system (fail if none); by default a healthy one is reused, else started
  --no-build              when starting the system, skip the build (tools/up.mjs --no-build)
  --fresh                 drop the services' databases (comms_credits_*) before starting the system: comparable runs
  --instances 1           when starting the system, instances per service (tools/up.mjs --instances; CPU summed over them)
  --keep                  leave a system this run started running at the end
  --cpu-prof              profile the services it starts (e2e/cpu-profile.cjs; .run/bench-e2e/prof/*.cpuprofile on exit;
                          summary: node -r @swc-node/register tools/bench/e2e/profile-summary.ts <files>)
  --node-options=…        when starting the system, extra NODE_OPTIONS for it (e.g. --node-options="--require $PWD/tools/bench/e2e/prototype.cjs")
  --no-hops               don't follow the services' topics for per-hop times
  --help

Results also go to .run/bench-e2e/result-<time>.json.`;

interface PhaseResult {
  name: string;
  offered: string;
  calls: number;
  seconds: number;
  decided: number;
  latency: Stats;
  decisionsPerSecond: number;
  settledSeconds: number | null;
  lifecyclesPerSecond: number | null;
  books: BooksCheck | null;
  fundings: Record<string, number>;
  wrongFunding: number;
  duplicates: number;
  cpu: Awaited<ReturnType<CpuSampler['stop']>>;
  load: { before: string; after: string };
  hops: Record<string, Record<string, Stats>>;
  /** pg_stat_database deltas per service database over the phase */
  database: Record<string, DatabaseCounters>;
  /** age of the oldest transaction holding an xid (what the relays' horizon waits for) */
  horizon: Awaited<ReturnType<HorizonSampler['stop']>>;
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      warmup: { type: 'string', default: '20' },
      'warmup-rate': { type: 'string', default: '50' },
      rates: { type: 'string', default: '20,50,100,200' },
      seconds: { type: 'string', default: '30' },
      burst: { type: 'string', default: '5000' },
      tenants: { type: 'string', default: '50' },
      users: { type: 'string', default: '3' },
      mix: { type: 'string', default: '60,25,15' },
      durations: { type: 'string', default: '30-300' },
      'settle-timeout': { type: 'string', default: '600' },
      reuse: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      instances: { type: 'string', default: '1' },
      fresh: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'node-options': { type: 'string', default: '' },
      'no-hops': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const rates = values.rates
    .split(',')
    .map(Number)
    .filter((r) => r > 0);
  const seconds = Number(values.seconds);
  const burst = Number(values.burst);
  const [poolShare, creditsShare, planShare] = values.mix.split(',').map(Number);
  const [minDuration, maxDuration] = values.durations.split('-').map(Number);
  const settleTimeoutMs = Number(values['settle-timeout']) * 1000;
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

  mkdirSync(RUN_DIR, { recursive: true });
  const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  log(`machine: ${machine}; load average ${loadAverage()}`);

  const system = await ensureSystem({
    reuseOnly: values.reuse,
    build: !values['no-build'],
    instances: Number(values.instances),
    fresh: values.fresh,
    nodeOptions:
      [values['cpu-prof'] ? `--require ${path.join(__dirname, 'e2e/cpu-profile.cjs')}` : '', values['node-options']].filter(Boolean).join(' ') || undefined,
    log,
  });
  const results: PhaseResult[] = [];
  let telephony: Telephony | undefined;
  let probe: SettleProbe | undefined;
  try {
    const api = new Api(operatorToken());
    const card = await api.call<RateCard>('credit-wallet', 'GET', '/rates');
    log(`rate card ${card.version} (${card.currency}, increments ${card.increment.first}/${card.increment.next} s)`);
    const runId = Date.now().toString(36);
    const funds = '1000000.00';
    const tenants = await seedTenants(api, {
      runId,
      tenants: Number(values.tenants),
      usersPerKind: Number(values.users),
      seats: 10_000,
      funds,
      concurrency: 8,
      log,
    });
    const fundedCents = BigInt(funds.replace('.', ''));

    telephony = new Telephony(
      system.brokers,
      tenants,
      { pool: poolShare!, credits: creditsShare!, callingPlan: planShare! },
      { min: minDuration!, max: maxDuration! },
      !values['no-hops'],
    );
    await telephony.start();
    probe = new SettleProbe(system.brokers);
    await probe.connect();
    const context = { api, card, tenants, fundedCents, telephony, probe, settleTimeoutMs, instances: Number(values.instances), log };
    await waitUntilQuiet(probe, settleTimeoutMs, log);

    const offerAt = (rate: number, seconds: number) => async (phase: string) => {
      const started = Date.now();
      let sent = 0;
      const total = Math.round(rate * seconds);
      while (sent < total) {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate)) - sent;
        if (due > 0) {
          telephony!.publish(Array.from({ length: due }, () => telephony!.plan(phase)));
          sent += due;
        }
        await sleep(5);
      }
    };
    const warmup = { seconds: Number(values.warmup), rate: Number(values['warmup-rate']) };
    if (warmup.seconds > 0 && warmup.rate > 0) {
      // Not a measurement: the first calls after a start pay for compiling the hot paths (the
      // broker's C2 compiler alone took ~5 CPU-s of a first 20 s phase, docs/benchmarks.md).
      const name = `warm-up ${warmup.rate}/s × ${warmup.seconds} s`;
      results.push(await runPhase(context, name, `warm-up ${warmup.rate}/s`, offerAt(warmup.rate, warmup.seconds)));
      printPhase(results.at(-1)!);
    }
    for (const rate of rates) {
      results.push(await runPhase(context, `${rate}/s × ${seconds} s`, `${rate} calls/s`, offerAt(rate, seconds)));
      printPhase(results.at(-1)!);
    }
    if (burst > 0) {
      results.push(
        await runPhase(context, `burst ${burst}`, `${burst} at once`, async (phase) => {
          telephony!.publish(Array.from({ length: burst }, () => telephony!.plan(phase)));
        }),
      );
      printPhase(results.at(-1)!);
    }
    printSummary(results, machine);
    const file = path.join(RUN_DIR, `result-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ machine, args: values, results }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2),
    );
    log(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await telephony?.stop().catch(() => undefined);
    await probe?.disconnect().catch(() => undefined);
    await closePostgres();
    if (!system.reused && !values.keep) {
      log('system: stopping what this run started (SIGTERM to tools/up.mjs)…');
      await system.stop();
    }
  }
}

interface Context {
  api: Api;
  card: RateCard;
  tenants: TenantPlan[];
  fundedCents: bigint;
  telephony: Telephony;
  probe: SettleProbe;
  settleTimeoutMs: number;
  /** Instances per service (--instances): CPU is summed over all of them. */
  instances: number;
  log: (line: string) => void;
}

/**
 * Before the first phase: every consumer group caught up and every outbox empty, so a phase
 * never pays for the seeding's backlog (thousands of licensing events that every service and
 * the report still work through after the APIs answered).
 */
async function waitUntilQuiet(probe: SettleProbe, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  for (;;) {
    const lag = await probe.lag().catch(() => ({ error: 1 }) as Record<string, number>);
    const lagTotal = Object.values(lag).reduce((a, b) => a + b, 0);
    const backlogTotal = lagTotal === 0 ? Object.values(await outboxBacklog()).reduce((a, b) => a + b, 0) : 1;
    if (lagTotal === 0 && backlogTotal === 0) return log(`seed: every consumer caught up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`the system did not catch up with the seeding within ${timeoutMs / 1000} s: lag ${JSON.stringify(lag)}`);
    await sleep(250);
  }
}

async function runPhase(ctx: Context, name: string, offered: string, offer: (phase: string) => Promise<void>): Promise<PhaseResult> {
  const { telephony, log } = ctx;
  const loadBefore = loadAverage();
  const sampler = new CpuSampler(processGroups(ctx.instances), 1_000);
  const countersBefore = await databaseCounters();
  const horizon = new HorizonSampler();
  await horizon.start();
  await sampler.start();
  log(`phase ${name}: offering… (load average ${loadBefore})`);
  const startedAt = Date.now();
  await offer(name);
  const offeredFor = (Date.now() - startedAt) / 1000;
  const calls = () => [...telephony.calls.values()].filter((c) => c.phase === name);
  const deadline = Date.now() + ctx.settleTimeoutMs;

  // 1. every decision of the phase
  let lastProgress = Date.now();
  let lastCount = -1;
  while (Date.now() < deadline) {
    const undecided = calls().filter((c) => !c.decision).length;
    if (undecided === 0) break;
    if (Date.now() - lastProgress > 5_000) {
      log(`  ${name}: ${undecided} calls still without a decision`);
      lastProgress = Date.now();
    }
    if (undecided !== lastCount) lastCount = undecided;
    await sleep(50);
  }
  const mine = calls();
  const decidedCalls = mine.filter((c) => c.decision);
  for (const c of mine.filter((call) => !call.decision).slice(0, 5)) {
    log(`  ${name}: no decision for ${c.tenantId}/${c.callId} (${c.kind}); chain events seen: ${Object.keys(c.hops).join(', ') || 'none'}`);
  }
  const lastDecisionAt = Math.max(...decidedCalls.map((c) => c.decidedAt!));
  log(
    `  ${name}: ${decidedCalls.length}/${mine.length} decided ${((lastDecisionAt - startedAt) / 1000).toFixed(1)} s after the first call; waiting for the books to settle…`,
  );

  // 2. settled: ends sent, lag 0, outboxes empty, books right
  let settledAt: number | null = null;
  let books: BooksCheck | null = null;
  let lastSay = 0;
  while (Date.now() < deadline) {
    if (telephony.pendingEnds() === 0) {
      const lag = await ctx.probe.lag().catch(() => ({ error: 1 }) as Record<string, number>);
      const lagTotal = Object.values(lag).reduce((a, b) => a + b, 0);
      const backlog = lagTotal === 0 ? await outboxBacklog() : {};
      const backlogTotal = Object.values(backlog).reduce((a, b) => a + b, 0);
      if (lagTotal === 0 && backlogTotal === 0) {
        const at = Date.now();
        books = await checkBooks(
          ctx.api,
          expectedBooks(ctx),
          ctx.tenants.map((t) => t.tenantId),
          months(telephony),
          ctx.fundedCents,
        );
        if (books.ok) {
          settledAt = at;
          break;
        }
      }
      if (Date.now() - lastSay > 5_000) {
        lastSay = Date.now();
        log(
          `  ${name}: lag ${JSON.stringify(lag)}${lagTotal === 0 ? ` outbox ${JSON.stringify(backlog)}` : ''}${books && !books.ok ? ` books: ${books.poolMismatches.length} pool, ${books.walletMismatches.length} wallet mismatches` : ''}`,
        );
      }
    }
    await sleep(250);
  }
  if (!settledAt) {
    books = await checkBooks(
      ctx.api,
      expectedBooks(ctx),
      ctx.tenants.map((t) => t.tenantId),
      months(telephony),
      ctx.fundedCents,
    );
    log(`  ${name}: NOT settled after ${ctx.settleTimeoutMs / 1000} s`);
  }
  const cpu = await sampler.stop();
  const horizonSeen = await horizon.stop();
  const countersAfter = await databaseCounters();
  const database: Record<string, DatabaseCounters> = {};
  for (const [name, after] of Object.entries(countersAfter)) {
    const before = countersBefore[name];
    if (!before) continue;
    database[name] = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof DatabaseCounters]])) as unknown as DatabaseCounters;
  }
  const latencies = decidedCalls.map((c) => c.decidedAt! - c.publishedAt);
  const fundings: Record<string, number> = {};
  let wrongFunding = 0;
  for (const c of decidedCalls) {
    const d = c.decision!;
    const key = d.type === 'CallRejected' ? `rejected ${d.reason}` : `${d.funding}${d.split ? ' split' : ''}`;
    fundings[key] = (fundings[key] ?? 0) + 1;
    if (d.type !== 'CallAdmitted' || d.funding !== c.kind || d.split) wrongFunding++;
  }
  return {
    name,
    offered,
    calls: mine.length,
    seconds: offeredFor,
    decided: decidedCalls.length,
    latency: stats(latencies),
    decisionsPerSecond: decidedCalls.length / Math.max(0.001, (lastDecisionAt - startedAt) / 1000),
    settledSeconds: settledAt ? (settledAt - startedAt) / 1000 : null,
    lifecyclesPerSecond: settledAt ? mine.length / ((settledAt - startedAt) / 1000) : null,
    books,
    fundings,
    wrongFunding,
    duplicates: mine.reduce((n, c) => n + c.duplicateDecisions, 0),
    cpu,
    load: { before: loadBefore, after: loadAverage() },
    hops: hopStats(decidedCalls),
    database,
    horizon: horizonSeen,
  };
}

function expectedBooks(ctx: Context): ExpectedBooks {
  const books = new ExpectedBooks(ctx.card);
  for (const call of ctx.telephony.calls.values()) {
    if (call.decision)
      books.add({
        tenantId: call.tenantId,
        month: call.month,
        destinationCountry: call.destinationCountry,
        durationSeconds: call.durationSeconds,
        decision: call.decision,
      });
  }
  return books;
}

function months(telephony: Telephony): string[] {
  return [...new Set([...telephony.calls.values()].map((c) => c.month))];
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/**
 * Each hop of the chain, per path: the consuming service's share (previous event on Kafka →
 * its event stored: fetch wait, decode, validate, transaction) and the relay's share (stored →
 * on Kafka: outbox polling, read, publish), then the last fetch by telephony.
 */
function hopStats(calls: CallRecord[]): Record<string, Record<string, Stats>> {
  // Since session 10 the pool decides a call in one hop once it knows the tenant's users and
  // policies; the others (a tenant's first calls) are referred to licensing (PoolReferred), which
  // screens them itself or refers them on to dialout-policy (whose CallCleared marks them).
  type Hop = keyof CallRecord['hops'];
  const referredTo = (dialout: boolean): [string, Hop][] => [
    ['pool-ledger', 'PoolReferred'],
    ...(dialout ? ([['licensing + dialout-policy', 'CallCleared']] as [string, Hop][]) : []),
  ];
  const paths: Record<string, { kind: string; route: 'one hop' | 'licensing' | 'dialout'; chain: [string, Hop][] }> = {
    'pool (pool)': { kind: 'pool', route: 'one hop', chain: [['pool-ledger', 'decision']] },
    'credits (pool → wallet)': {
      kind: 'credits',
      route: 'one hop',
      chain: [
        ['pool-ledger', 'CallHandedToWallet'],
        ['credit-wallet', 'decision'],
      ],
    },
    'calling plan (pool)': { kind: 'calling-plan', route: 'one hop', chain: [['pool-ledger', 'decision']] },
  };
  for (const [route, via] of [
    ['licensing', 'pool → licensing'],
    ['dialout', 'pool → licensing → dialout → licensing'],
  ] as const) {
    const head = referredTo(route === 'dialout');
    paths[`pool, referred (${via} → pool)`] = { kind: 'pool', route, chain: [...head, ['licensing', 'CallEntitled'], ['pool-ledger', 'decision']] };
    paths[`credits, referred (${via} → pool → wallet)`] = {
      kind: 'credits',
      route,
      chain: [...head, ['licensing', 'CallEntitled'], ['pool-ledger', 'CallHandedToWallet'], ['credit-wallet', 'decision']],
    };
    paths[`calling plan, referred (${via})`] = { kind: 'calling-plan', route, chain: [...head, ['licensing', 'decision']] };
  }
  const routeOf = (c: CallRecord) => (!c.hops.PoolReferred ? 'one hop' : c.hops.CallCleared ? 'dialout' : 'licensing');
  const result: Record<string, Record<string, Stats>> = {};
  for (const [title, { kind, route, chain }] of Object.entries(paths)) {
    const relevant = calls.filter((c) => c.kind === kind && routeOf(c) === route && chain.every(([, hop]) => c.hops[hop]));
    if (relevant.length === 0) continue;
    const segments: Record<string, number[]> = {};
    const push = (key: string, value: number) => (segments[key] ??= []).push(value);
    for (const c of relevant) {
      let previous = c.publishedAt;
      for (const [service, hop] of chain) {
        const point = c.hops[hop]!;
        push(`${service}: consume + decide`, point.storedAt - previous);
        push(`${service}: relay to Kafka`, point.onKafkaAt - point.storedAt);
        previous = point.onKafkaAt;
      }
      push('telephony: fetch the decision', c.decidedAt! - previous);
      push('total', c.decidedAt! - c.publishedAt);
    }
    result[title] = Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, stats(v)]));
  }
  return result;
}

const ms = (v: number) => (Number.isNaN(v) ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r, n) => {
      const line = r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

function printPhase(r: PhaseResult): void {
  console.log(`\n== ${r.name}: ${r.calls} calls offered in ${r.seconds.toFixed(1)} s, ${r.decided} decided; load average ${r.load.before} → ${r.load.after}`);
  console.log(
    `   decisions: ${Object.entries(r.fundings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}${r.wrongFunding ? `; ${r.wrongFunding} NOT the expected funding` : ''}${r.duplicates ? `; ${r.duplicates} duplicate decisions` : ''}`,
  );
  if (r.books) {
    console.log(
      `   books ${r.books.ok ? 'RIGHT' : 'WRONG'}: pool used ${r.books.actualPoolMinutes} min (expected ${r.books.expectedPoolMinutes}), charged $${fmtCents(r.books.actualChargedCents)} (expected $${fmtCents(r.books.expectedChargedCents)}), reserved ${r.books.reservedMinutes} min, held $${fmtCents(r.books.heldCents)}, over ${r.books.tenants} tenants`,
    );
    for (const line of [...r.books.poolMismatches, ...r.books.walletMismatches].slice(0, 5)) console.log(`     ${line}`);
  }
  for (const [title, segments] of Object.entries(r.hops)) {
    console.log(`   per hop, ${title}:`);
    console.log(
      table([
        ['     segment', 'n', 'p50', 'p95', 'p99'],
        ...Object.entries(segments).map(([k, s]) => [`     ${k}`, String(s.n), ms(s.p50), ms(s.p95), ms(s.p99)]),
      ]),
    );
  }
  const h = r.horizon;
  console.log(
    `   relay horizon: oldest transaction holding an xid, mean / max over ${h.samples} samples: our databases ${ms(h.oursMs.mean)} / ${ms(h.oursMs.max)}, anywhere on the server ${ms(h.anywhereMs.mean)} / ${ms(h.anywhereMs.max)}`,
  );
  console.log(`   PostgreSQL per call (pg_stat_database deltas / ${r.calls} calls; includes the books checks' reads):`);
  console.log(
    table([
      ['     database', 'commits', 'rollbacks', 'rows ins', 'rows upd', 'rows del'],
      ...Object.entries(r.database).map(([name, d]) => [
        `     ${name}`,
        (d.commits / r.calls).toFixed(2),
        (d.rollbacks / r.calls).toFixed(3),
        (d.inserted / r.calls).toFixed(1),
        (d.updated / r.calls).toFixed(1),
        (d.deleted / r.calls).toFixed(1),
      ]),
    ]),
  );
  const groups = Object.entries(r.cpu.groups);
  const total = groups.reduce((sum, [, g]) => sum + g.user + g.system, 0);
  console.log(
    `   CPU seconds over ${r.cpu.wallSeconds.toFixed(1)} s (machine: user ${r.cpu.machine.user.toFixed(1)}, system ${r.cpu.machine.system.toFixed(1)}, idle ${r.cpu.machine.idle.toFixed(1)}, iowait ${r.cpu.machine.iowait.toFixed(1)}):`,
  );
  console.log(
    table([
      ['     process', 'user', 'system', 'total', 'procs'],
      ...groups.map(([name, g]) => [`     ${name}`, g.user.toFixed(1), g.system.toFixed(1), (g.user + g.system).toFixed(1), String(g.processes)]),
      ['     all of the above', '', '', total.toFixed(1), ''],
    ]),
  );
}

function printSummary(results: PhaseResult[], machine: string): void {
  console.log(`\nSummary — ${machine}`);
  console.log(
    table([
      ['offered', 'calls', 'p50', 'p95', 'p99', 'max', 'decisions/s', 'settled after', 'lifecycles/s', 'books', 'CPU s (svc/kafka/pg)', 'load avg'],
      ...results.map((r) => {
        const g = r.cpu.groups;
        const cpuOf = (names: string[]) => names.reduce((s, n) => s + (g[n] ? g[n]!.user + g[n]!.system : 0), 0).toFixed(0);
        return [
          r.offered,
          String(r.calls),
          ms(r.latency.p50),
          ms(r.latency.p95),
          ms(r.latency.p99),
          ms(r.latency.max),
          r.decisionsPerSecond.toFixed(0),
          r.settledSeconds === null ? 'NOT settled' : `${r.settledSeconds.toFixed(1)} s`,
          r.lifecyclesPerSecond === null ? '—' : r.lifecyclesPerSecond.toFixed(0),
          r.books ? (r.books.ok ? 'right' : 'WRONG') : '?',
          `${cpuOf(['licensing', 'dialout-policy', 'pool-ledger', 'credit-wallet', 'toll-free', 'reporting'])}/${cpuOf(['kafka broker'])}/${cpuOf(['postgres: our backends', 'postgres: wal/ckpt/bgwriter'])}`,
          r.load.before.split(' / ')[0]!,
        ];
      }),
    ]),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
