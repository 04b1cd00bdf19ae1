/** The services' HTTP API with a bearer token, and the seeding of the benchmark's tenants. */
import { ServiceName, sleep, urlOf } from './system';

export class Api {
  constructor(private readonly token: string) {}

  async call<T = unknown>(service: ServiceName, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(urlOf(service) + path, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        // A kept-alive socket the server closed meanwhile, or a busy service: try again.
        if (attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
        throw error;
      }
      const text = await response.text();
      // A concurrent update of the same stream (409 CONCURRENT_UPDATE) or a busy service: try again.
      if ((response.status === 409 && text.includes('CONCURRENT_UPDATE')) || response.status >= 500) {
        if (attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
      }
      if (!response.ok) throw new Error(`${method} ${service}${path} answered ${response.status}: ${text.slice(0, 400)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }
}

export interface Money {
  amount: string;
  currency: string;
}
export interface WalletView {
  balance: Money;
  held: Money;
  owed: Money;
  available: Money;
}
export interface PoolView {
  month: string;
  capacityMinutes: number;
  usedMinutes: number;
  reservedMinutes: number;
  availableMinutes: number;
}

export interface TenantPlan {
  tenantId: string;
  organizers: string[];
  callers: string[];
}

export interface SeedOptions {
  runId: string;
  tenants: number;
  usersPerKind: number;
  seats: number;
  funds: string;
  concurrency: number;
  log: (line: string) => void;
}

/**
 * Each tenant: `seats` OFFICE_365_E5 seats (a pool of 60 × seats minutes, far more than the
 * run uses: no call is ever split or refused for the pool), organizers (US) with E5 and
 * COMMUNICATIONS_CREDITS, callers (US) with E5 and a domestic calling plan, a funded wallet
 * (no auto-recharge: the expected balance is funds − charges) and the Global policy (Any/International).
 */
export async function seedTenants(api: Api, options: SeedOptions): Promise<TenantPlan[]> {
  const plans: TenantPlan[] = Array.from({ length: options.tenants }, (_, i) => ({
    tenantId: `e2e-${options.runId}-t${String(i).padStart(3, '0')}`,
    organizers: Array.from({ length: options.usersPerKind }, (_, j) => `org${j}`),
    callers: Array.from({ length: options.usersPerKind }, (_, j) => `caller${j}`),
  }));
  const started = Date.now();
  let done = 0;
  await forEachLimited(plans, options.concurrency, async (plan) => {
    const t = `/tenants/${plan.tenantId}`;
    await api.call('licensing', 'PUT', `${t}/subscriptions/OFFICE_365_E5`, { seats: options.seats });
    await api.call('licensing', 'PUT', `${t}/subscriptions/DOMESTIC_CALLING_PLAN`, { seats: options.usersPerKind });
    for (const user of [...plan.organizers, ...plan.callers]) {
      await api.call('licensing', 'PUT', `${t}/users/${user}`, { usageLocation: 'US', displayName: user });
    }
    for (const user of plan.organizers) {
      await api.call('licensing', 'PUT', `${t}/users/${user}/licenses/OFFICE_365_E5`);
      await api.call('licensing', 'PUT', `${t}/users/${user}/licenses/COMMUNICATIONS_CREDITS`);
    }
    for (const user of plan.callers) {
      await api.call('licensing', 'PUT', `${t}/users/${user}/licenses/OFFICE_365_E5`);
      await api.call('licensing', 'PUT', `${t}/users/${user}/licenses/DOMESTIC_CALLING_PLAN`);
    }
    await api.call('dialout-policy', 'PUT', `${t}/dialout-policy`, { policyName: 'DialoutCPCandPSTNInternational' });
    await api.call(
      'credit-wallet',
      'POST',
      `${t}/wallet/funds`,
      { amount: options.funds, currency: 'USD' },
      { 'Idempotency-Key': `bench-e2e-${plan.tenantId}` },
    );
    done++;
    if (done % 10 === 0 || done === plans.length) options.log(`seed: ${done}/${plans.length} tenants (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  // What the other services learn over Kafka: the pool's capacity, the users' usage locations.
  options.log('seed: waiting for the pool capacity and the dial-out stage to learn the users…');
  const capacity = options.seats * 60;
  await forEachLimited(plans, options.concurrency, async (plan) => {
    const t = `/tenants/${plan.tenantId}`;
    await until(async () => (await api.call<PoolView>('pool-ledger', 'GET', `${t}/pool`)).capacityMinutes === capacity, `${plan.tenantId} pool capacity`);
    for (const user of [...plan.organizers, ...plan.callers]) {
      await until(
        async () => Boolean((await api.call<{ usageLocation?: string | null }>('dialout-policy', 'GET', `${t}/users/${user}/dialout-policy`)).usageLocation),
        `${plan.tenantId}/${user} usage location at dialout-policy`,
      );
    }
  });
  options.log(`seed: ${plans.length} tenants ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return plans;
}

export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
