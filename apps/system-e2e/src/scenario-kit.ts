import { randomUUID } from 'node:crypto';
import { CallEnded, CallStarted, Topics } from '@comms-credits/contracts';
import { TestSystem, grantLearned, http } from '@comms-credits/service-testing';
import { Collector, ReceivedMessage, TestKafka, callEnded, callStarted, eventually, uniqueTenant } from '@comms-credits/testing';
import { Decimal } from 'decimal.js';

export interface Rate {
  country: string;
  perMinute: string;
  connectionFee: string;
}

export interface RateCard {
  version: string;
  currency: string;
  dialOut: Rate[];
  tollFreeInbound: Rate[];
}

export interface Money {
  amount: string;
  currency: string;
}

/** What the whole system looks like from outside: its topics and its five HTTP APIs. */
export class World {
  private rates?: RateCard;

  constructor(
    readonly system: TestSystem,
    readonly kafka: TestKafka,
    readonly decisions: Collector,
    readonly walletEvents: Collector,
    readonly tollFreeEvents: Collector,
  ) {}

  async rateCard(): Promise<RateCard> {
    this.rates ??= (await http<RateCard>('GET', `${this.system.url('credit-wallet')}/rates`)).body;
    return this.rates;
  }

  /**
   * The charge of one call, as domain.md prices it: whole minutes × the rate + the connection
   * fee, computed exactly and rounded half-up to cents once. Independent of the wallet's code.
   */
  async expectedCharge(kind: 'dialOut' | 'tollFreeInbound', country: string, seconds: number, withFee = true): Promise<string> {
    const rate = (await this.rateCard())[kind].find((r) => r.country === country);
    if (!rate) throw new Error(`no ${kind} rate for ${country}`);
    const minutes = Math.ceil(seconds / 60);
    const fee = withFee && minutes > 0 ? new Decimal(rate.connectionFee) : new Decimal(0);
    return new Decimal(rate.perMinute).times(minutes).plus(fee).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
  }

  tenant(label: string): Tenant {
    return new Tenant(this, uniqueTenant(label));
  }
}

/** One tenant, set up and driven through the public APIs and topics only. */
export class Tenant {
  constructor(
    readonly world: World,
    readonly id: string,
  ) {}

  private url(service: string, path: string): string {
    return `${this.world.system.url(service)}/tenants/${this.id}${path}`;
  }

  private async ok<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', service: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const answer = await http<T>(method, this.url(service, path), body, headers);
    if (answer.status >= 300) throw new Error(`${method} ${service}${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async seats(sku: string, seats: number) {
    await this.ok('PUT', 'licensing', `/subscriptions/${sku}`, { seats });
  }

  /** Creates the user, assigns the licences, and waits until the dial-out stage knows them. */
  async user(userId: string, usageLocation: string, licences: string[] = []) {
    await this.ok('PUT', 'licensing', `/users/${userId}`, { usageLocation });
    for (const sku of licences) await this.ok('PUT', 'licensing', `/users/${userId}/licenses/${sku}`);
    await eventually(async () => {
      const policy = await this.ok<{ usageLocation: string | null }>('GET', 'dialout-policy', `/users/${userId}/dialout-policy`);
      if (policy.usageLocation !== usageLocation) throw new Error(`dialout-policy does not know ${userId} yet`);
    });
  }

  async assign(userId: string, sku: string) {
    await this.ok('PUT', 'licensing', `/users/${userId}/licenses/${sku}`);
  }

  /** Grants a user's dial-out policy, and waits until licensing, which screens most calls, has learned it. */
  async policy(userId: string, policyName: string | null) {
    await this.ok('PUT', 'dialout-policy', `/users/${userId}/dialout-policy`, { policyName });
    await grantLearned([this.world.system.url('licensing'), this.world.system.url('pool-ledger')], this.id, { userId, policyName });
  }

  async fund(amount: string, key = randomUUID()) {
    return this.ok('POST', 'credit-wallet', '/wallet/funds', { amount, currency: 'USD' }, { 'Idempotency-Key': key });
  }

  async autoRecharge(token: string, trigger: string, recharge: string) {
    await this.ok('PUT', 'credit-wallet', '/wallet/payment-method', { token });
    await this.ok('PUT', 'credit-wallet', '/wallet/auto-recharge', {
      enabled: true,
      triggerAmount: { amount: trigger, currency: 'USD' },
      rechargeAmount: { amount: recharge, currency: 'USD' },
    });
  }

  wallet() {
    return this.ok<{ balance: Money; held: Money; available: Money; billingSetUp: boolean }>('GET', 'credit-wallet', '/wallet');
  }

  async transactions() {
    const page = await this.ok<{ items?: Record<string, unknown>[] } | Record<string, unknown>[]>('GET', 'credit-wallet', '/wallet/transactions?limit=200');
    return Array.isArray(page) ? page : (page.items ?? []);
  }

  pool(month?: string) {
    return this.ok<{ capacityMinutes: number; usedMinutes: number; availableMinutes: number }>('GET', 'pool-ledger', `/pool${month ? `?month=${month}` : ''}`);
  }

  async poolReaches(expected: Partial<{ capacityMinutes: number; usedMinutes: number; reservedMinutes: number; availableMinutes: number }>, month?: string) {
    return eventually(async () => {
      const pool = await this.pool(month);
      for (const [key, value] of Object.entries(expected)) {
        if (pool[key as keyof typeof pool] !== value) throw new Error(`pool is ${JSON.stringify(pool)}`);
      }
      return pool;
    });
  }

  async balanceReaches(amount: string) {
    return eventually(async () => {
      const wallet = await this.wallet();
      if (wallet.balance.amount !== amount) throw new Error(`balance is ${wallet.balance.amount}, waiting for ${amount}`);
      return wallet;
    });
  }

  tollFree(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path = '', body?: unknown) {
    return http<Record<string, unknown>>(method, this.url('toll-free', `/toll-free-numbers${path}`), body);
  }

  started(callId: string, overrides: Partial<CallStarted> = {}): CallStarted {
    return callStarted({ tenantId: this.id, callId, ...overrides });
  }

  ended(callId: string, durationSeconds: number): CallEnded {
    return callEnded({ tenantId: this.id, callId, durationSeconds });
  }

  async publish(...events: (CallStarted | CallEnded)[]) {
    for (const event of events) {
      await this.world.kafka.publish(event.type === 'CallStarted' ? Topics.CallStarted : Topics.CallEnded, [event]);
    }
  }

  async decision(callId: string): Promise<Record<string, unknown>> {
    const [decision] = await this.world.decisions.waitFor((m) => m.json?.['tenantId'] === this.id && m.json?.['callId'] === callId);
    return decision!.json!;
  }

  decisionsOf(callId: string): ReceivedMessage[] {
    return this.world.decisions.messages.filter((m) => m.json?.['tenantId'] === this.id && m.json?.['callId'] === callId);
  }

  /** Charges (debits) of a call in the wallet's transactions, as decimal strings without sign. */
  async chargesOf(callId: string): Promise<string[]> {
    const rows = await this.transactions();
    return rows
      .filter((r) => r['callId'] === callId && /charge/i.test(String(r['kind'] ?? r['type'] ?? '')))
      .map((r) => new Decimal(String((r['amount'] as Money).amount)).abs().toFixed(2));
  }
}
