/**
 * What the chaos suite sends, generated from one seed, and what the books must be afterwards.
 *
 * The oracle is the reference model of apps/system-e2e/src/books-model (written from domain.md
 * by another hand than the services). Under chaos the system's order is not ours to choose — two
 * topics (starts, ends), redeliveries, rebalances — so the workload is built to be **independent
 * of the interleaving**, and the suite checks that it is before it starts:
 *
 * - every tenant's pool can reserve a full grant for every pool-eligible call at once (seats
 *   enough for Σ grants), so each Zone A call of a pool organizer is granted the whole cap;
 * - every wallet is funded with more than the largest hold of every call that could need
 *   credits, so no credits call is refused or shortened, and auto-recharge (on, with a trigger
 *   below that margin) must never fire;
 * - durations lie within the grant or beyond it (settled at the grant either way), never absurd.
 *
 * Then the final books do not depend on the order: the model is played in three orders (as
 * published, all starts first, all ends first) and they must agree, or the suite refuses to run.
 */
import { randomUUID } from 'node:crypto';
import { CallEnded, CallStarted } from '@comms-credits/contracts';
import { Partitioners } from 'kafkajs';
// The oracle is the books model of the system's end-to-end tests, shared on purpose (it must not
// be a second copy that could drift). It imports nothing but itself.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Books, BooksModel, Decision, Input, Rate, Sku, formatCents, price } from '../../apps/system-e2e/src/books-model/model';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { NUMBERS } from '../../apps/system-e2e/src/books-model/generators';

export type { Books, Decision, Rate };
export { formatCents };

/** A small, fast, seedable PRNG (mulberry32). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly [T, number][]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [item, weight] of items) if ((x -= weight) < 0) return item;
    return items[items.length - 1]![0];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A UUID (v4 layout) drawn from this generator, so a seed replays the same event ids. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(this.next() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** The organizers every tenant has, and what each one's calls exercise. */
export const ORGANIZERS: Record<string, { licences: Sku[]; weight: number }> = {
  'org-e5': { licences: ['OFFICE_365_E5', 'COMMUNICATIONS_CREDITS'], weight: 40 }, // Zone A: pool; elsewhere: credits with fee
  'org-ac': { licences: ['AUDIO_CONFERENCING'], weight: 15 }, // Zone A: pool; elsewhere: NO_COMMUNICATIONS_CREDITS_LICENSE
  'org-ppm': { licences: ['AUDIO_CONFERENCING_PPM', 'COMMUNICATIONS_CREDITS'], weight: 15 }, // everything on credits
  'org-select': { licences: ['AUDIO_CONFERENCING_SELECT_DIAL_OUT', 'COMMUNICATIONS_CREDITS'], weight: 20 }, // US/CA only: pool
  'org-none': { licences: [], weight: 10 }, // NO_AUDIO_CONFERENCING_LICENSE
};
const ZONE_A_DESTINATIONS = ['FR', 'GB', 'US', 'DE', 'BR', 'CA'];
const OTHER_DESTINATIONS = ['EG', 'AE', 'AR', 'NG'];
const SELECT_DESTINATIONS = ['US', 'CA'];
const POOL_LICENCES: Sku[] = ['OFFICE_365_E5', 'AUDIO_CONFERENCING'];
/** Money above the largest total of holds: available never falls below it, so auto-recharge (trigger below it) never fires. */
const MARGIN_CENTS = 5_000n;
const RECHARGE_TRIGGER_CENTS = 1_000n;
const RECHARGE_AMOUNT_CENTS = 2_500n;

export interface PlannedCall {
  index: number;
  tenantId: string;
  callId: string;
  organizer: string;
  country: string;
  seconds: number;
}

/** One message to publish: a copy of an upstream event (a repeat keeps or renews the eventId), at a time in the load. */
export interface Delivery {
  atMs: number;
  topic: 'start' | 'end';
  call: PlannedCall;
  event: CallStarted | CallEnded;
  /** The first copy of this event as published (the model takes the event then). */
  first: boolean;
}

export interface TenantPlan {
  tenantId: string;
  seats: Partial<Record<Sku, number>>;
  fundsCents: bigint;
  autoRecharge: { triggerCents: bigint; rechargeCents: bigint };
  calls: PlannedCall[];
}

export interface Workload {
  tenants: TenantPlan[];
  calls: PlannedCall[];
  deliveries: Delivery[];
  /** Per tenant: the books and decisions every order must end with. */
  expected: Map<string, { books: Books; decisions: Map<string, Decision> }>;
  stats: { starts: number; ends: number; repeats: number; renewedIds: number; endsFirst: number; overGrant: number; zeroSeconds: number };
}

export interface WorkloadOptions {
  seed: number;
  calls: number;
  tenants: number;
  partitions: number;
  /** New call lifecycles per second offered. */
  rate: number;
  maxGrantMinutes: number;
  rates: Record<string, Rate>;
  /** When the calls start (ISO): one month, one rate card version. */
  startedAt: string;
}

/**
 * Tenant ids spread evenly over the partitions (kafkajs's default partitioner, the one the
 * services and our producer use), so every partition — and so every instance — has work.
 */
export function tenantIds(random: Random, count: number, partitions: number): string[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  const perPartition = new Map<number, number>();
  const ids: string[] = [];
  const run = random.int(0, 0xffff).toString(16).padStart(4, '0');
  for (let n = 0; ids.length < count && n < 10_000; n++) {
    const id = `chaos-${run}-t${n}`;
    const partition = partitioner({ topic: 'x', partitionMetadata, message: { key: id, value: null } });
    const target = Math.ceil(count / partitions);
    if ((perPartition.get(partition) ?? 0) >= target) continue;
    perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
    ids.push(id);
  }
  return ids;
}

function durationOf(random: Random, grantSeconds: number): number {
  return random.weighted<() => number>([
    [() => 0, 6],
    [() => random.pick([1, 59, 60, 61, 119, 120, 121]), 10],
    [() => random.int(1, grantSeconds), 64],
    [() => random.pick([grantSeconds - 1, grantSeconds]), 10],
    [() => grantSeconds + random.int(1, 3_600), 8], // beyond the grant: settled at it, the excess an anomaly
    [() => 86_400, 2], // "milliseconds as seconds": still settled at the grant
  ])();
}

export function generateWorkload(options: WorkloadOptions): Workload {
  const random = new Random(options.seed);
  const grantSeconds = options.maxGrantMinutes * 60;
  const ids = tenantIds(random, options.tenants, options.partitions);
  const organizers = Object.entries(ORGANIZERS).map(([name, o]) => [name, o.weight] as [string, number]);

  const calls: PlannedCall[] = [];
  for (let index = 0; index < options.calls; index++) {
    const organizer = random.weighted(organizers);
    // Select Dial Out organizers dial US/CA only: the model reads a Select call elsewhere as credits,
    // the licensing stage rejects it (NO_AUDIO_CONFERENCING_LICENSE); the books-model test leaves it
    // out too, so it is not a question for a fault-injection suite.
    const country = organizer === 'org-select' ? random.pick(SELECT_DESTINATIONS) : random.pick(random.chance(0.65) ? ZONE_A_DESTINATIONS : OTHER_DESTINATIONS);
    calls.push({
      index,
      tenantId: random.pick(ids),
      callId: `call-${index}-${random.int(0, 0xffffff).toString(16)}`,
      organizer,
      country,
      seconds: durationOf(random, grantSeconds),
    });
  }

  const stats = { starts: 0, ends: 0, repeats: 0, renewedIds: 0, endsFirst: 0, overGrant: 0, zeroSeconds: 0 };
  const deliveries: Delivery[] = [];
  const copies = () =>
    random.weighted([
      [1, 45],
      [2, 35],
      [3, 20],
    ]);
  for (const call of calls) {
    const t0 = (call.index / options.rate) * 1000;
    const started: CallStarted = {
      eventId: random.uuid(),
      type: 'CallStarted',
      version: 1,
      occurredAt: options.startedAt,
      tenantId: call.tenantId,
      callId: call.callId,
      callType: 'conf_out',
      userId: call.organizer,
      from: '+14255550100',
      to: NUMBERS[call.country]!,
      meetingId: `m-${call.index}`,
    } as CallStarted;
    const ended: CallEnded = {
      eventId: random.uuid(),
      type: 'CallEnded',
      version: 1,
      occurredAt: options.startedAt,
      tenantId: call.tenantId,
      callId: call.callId,
      durationSeconds: call.seconds,
    } as CallEnded;
    // Mostly the end comes a few seconds after the start; sometimes (1 in 5) before it.
    const endsFirst = random.chance(0.2);
    const startAt = endsFirst ? t0 + random.uniform(200, 2_000) : t0;
    const endAt = endsFirst ? t0 : t0 + random.uniform(300, 4_000);
    if (endsFirst) stats.endsFirst++;
    if (call.seconds > grantSeconds) stats.overGrant++;
    if (call.seconds === 0) stats.zeroSeconds++;
    const place = (topic: 'start' | 'end', event: CallStarted | CallEnded, base: number) => {
      const n = copies();
      const times = Array.from({ length: n }, (_, i) => (i === 0 ? base : base + random.uniform(0, 6_000))).sort((a, b) => a - b);
      times.forEach((atMs, i) => {
        // A repeat is mostly the same message again (redelivery), sometimes the same fact under a new eventId (re-emitted upstream).
        const renew = i > 0 && random.chance(0.25);
        if (renew) stats.renewedIds++;
        if (i > 0) stats.repeats++;
        deliveries.push({ atMs, topic, call, event: renew ? { ...event, eventId: randomUUIDFrom(random) } : event, first: i === 0 });
      });
    };
    place('start', started, startAt);
    place('end', ended, endAt);
    stats.starts++;
    stats.ends++;
  }
  deliveries.sort((a, b) => a.atMs - b.atMs);

  const tenants: TenantPlan[] = ids.map((tenantId) => {
    const own = calls.filter((c) => c.tenantId === tenantId);
    const poolCalls = own.filter((c) =>
      ORGANIZERS[c.organizer]!.licences.some((s) => POOL_LICENCES.includes(s) || s === 'AUDIO_CONFERENCING_SELECT_DIAL_OUT'),
    ).length;
    const creditCalls = own.filter((c) => ORGANIZERS[c.organizer]!.licences.includes('COMMUNICATIONS_CREDITS'));
    let fundsCents = MARGIN_CENTS;
    for (const call of creditCalls) {
      const rate = options.rates[call.country];
      if (!rate) throw new Error(`the rate card has no dial-out rate for ${call.country}`);
      fundsCents += price(rate, options.maxGrantMinutes, true);
    }
    const seats: Partial<Record<Sku, number>> = {
      // every pool-eligible call can hold a full grant at once (+1 seat of slack)
      OFFICE_365_E5: Math.ceil((poolCalls * options.maxGrantMinutes) / 60) + 1,
      AUDIO_CONFERENCING: 1,
      AUDIO_CONFERENCING_PPM: 1,
      AUDIO_CONFERENCING_SELECT_DIAL_OUT: 1,
    };
    return { tenantId, seats, fundsCents, autoRecharge: { triggerCents: RECHARGE_TRIGGER_CENTS, rechargeCents: RECHARGE_AMOUNT_CENTS }, calls: own };
  });

  const expected = oracle(tenants, deliveries, options);
  return { tenants, calls, deliveries, expected, stats };
}

function randomUUIDFrom(random: Random): string {
  return random.uuid();
}

function setUpInputs(tenant: TenantPlan): Input[] {
  const inputs: Input[] = [];
  for (const [sku, seats] of Object.entries(tenant.seats) as [Sku, number][]) inputs.push({ kind: 'seats', sku, seats });
  for (const [userId, { licences }] of Object.entries(ORGANIZERS)) for (const sku of licences) inputs.push({ kind: 'assign', userId, sku });
  inputs.push({ kind: 'fund', cents: tenant.fundsCents });
  inputs.push({ kind: 'autoRecharge', enabled: true, triggerCents: tenant.autoRecharge.triggerCents, rechargeCents: tenant.autoRecharge.rechargeCents });
  return inputs;
}

const startInput = (c: PlannedCall): Input => ({ kind: 'start', callId: c.callId, userId: c.organizer, country: c.country });
const endInput = (c: PlannedCall): Input => ({ kind: 'end', callId: c.callId, seconds: c.seconds });

/**
 * The model, played per tenant in three orders: as published (first copies), all starts then
 * all ends, all ends then all starts. They must agree — that is what makes the workload
 * independent of the interleaving the system happens to see.
 */
function oracle(tenants: TenantPlan[], deliveries: Delivery[], options: WorkloadOptions): Workload['expected'] {
  const expected: Workload['expected'] = new Map();
  for (const tenant of tenants) {
    const own = deliveries.filter((d) => d.first && d.call.tenantId === tenant.tenantId);
    const orders: [string, Input[]][] = [
      ['as published', own.map((d) => (d.topic === 'start' ? startInput(d.call) : endInput(d.call)))],
      ['starts first', [...tenant.calls.map(startInput), ...tenant.calls.map(endInput)]],
      ['ends first', [...tenant.calls.map(endInput), ...tenant.calls.map(startInput)]],
    ];
    let reference: { name: string; books: Books; decisions: Map<string, Decision> } | undefined;
    for (const [name, inputs] of orders) {
      const model = new BooksModel({ maxGrantMinutes: options.maxGrantMinutes, dialOutRates: options.rates });
      model.applyAll(setUpInputs(tenant)).applyAll(inputs);
      const books = model.books();
      const decisions = new Map(tenant.calls.map((c) => [c.callId, model.decision(c.callId)!]));
      if (!reference) {
        reference = { name, books, decisions };
        continue;
      }
      const a = JSON.stringify(books, bigintJson);
      const b = JSON.stringify(reference.books, bigintJson);
      if (a !== b) throw new Error(`workload of ${tenant.tenantId} depends on the order: books ${reference.name} ${b}, ${name} ${a}`);
      for (const [callId, decision] of decisions) {
        if (JSON.stringify(decision) !== JSON.stringify(reference.decisions.get(callId)))
          throw new Error(`workload of ${tenant.tenantId} depends on the order: ${callId}`);
      }
    }
    if (reference!.books.recharges !== 0) throw new Error(`workload of ${tenant.tenantId} would auto-recharge (its funds are too small)`);
    expected.set(tenant.tenantId, { books: reference!.books, decisions: reference!.decisions });
  }
  return expected;
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A fresh UUID for things that need no seed (hostile messages' ids). */
export const freshId = () => randomUUID();
