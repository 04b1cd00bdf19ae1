import { randomUUID } from 'node:crypto';
import { http } from '@comms-credits/service-testing';
import { Collector, outboundCallFacts, serviceEvent } from '@comms-credits/testing';

const envelope = (type: string, tenantId: string) => ({
  eventId: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  tenantId,
});

/** Stage 3's hand-over of a dial-out to the wallet (as pool-ledger publishes it). */
export function callHandedToWallet(tenantId: string, callId: string, overrides: Record<string, unknown> = {}) {
  return serviceEvent('CallHandedToWallet', tenantId, {
    ...outboundCallFacts(callId, { startedAt: new Date().toISOString() }),
    reason: 'NOT_POOL_ELIGIBLE',
    creditsLicensed: true,
    capability: 'MCOMEETADD',
    ...overrides,
  });
}

/** An inbound call to a toll-free number of the tenant (as toll-free publishes it). */
export function tollFreeCallRouted(tenantId: string, callId: string, numberCountry = 'US') {
  return {
    ...envelope('TollFreeCallRouted', tenantId),
    callId,
    callType: 'ucap_in',
    from: '+14255550100',
    to: '+18005550100',
    numberCountry,
    startedAt: new Date().toISOString(),
  };
}

/** Minutes of a pool-funded call the pool could not cover (as pool-ledger publishes them). */
export function poolOverflow(tenantId: string, callId: string, uncoveredMinutes: number, overrides: Record<string, unknown> = {}) {
  return {
    ...envelope('PoolOverflowHandedToWallet', tenantId),
    callId,
    userId: 'alice',
    destinationCountry: 'FR',
    month: new Date().toISOString().slice(0, 7),
    durationSeconds: (60 + uncoveredMinutes) * 60,
    poolMinutes: 60,
    uncoveredMinutes,
    creditsLicensed: true,
    ...overrides,
  };
}

/** Every message of a tenant of a given type on a collected topic, as JSON. */
export const ofTenant = (collector: Collector, tenantId: string, type: string) =>
  collector.messages.filter((m) => m.json?.['tenantId'] === tenantId && m.json?.['type'] === type).map((m) => m.json!);

/** Wallet API calls of one test system. */
export function walletApi(url: string) {
  return {
    fund: (tenant: string, amount: string, key: string, currency = 'USD') =>
      http('POST', `${url}/tenants/${tenant}/wallet/funds`, { amount, currency }, { 'idempotency-key': key }),
    setPaymentMethod: (tenant: string, token: string) => http('PUT', `${url}/tenants/${tenant}/wallet/payment-method`, { token }),
    autoRecharge: (tenant: string, enabled: boolean, trigger?: string, recharge?: string, maxRechargesPerMonth?: number | null) =>
      http('PUT', `${url}/tenants/${tenant}/wallet/auto-recharge`, {
        enabled,
        ...(trigger ? { triggerAmount: { amount: trigger, currency: 'USD' } } : {}),
        ...(recharge ? { rechargeAmount: { amount: recharge, currency: 'USD' } } : {}),
        ...(maxRechargesPerMonth === undefined ? {} : { maxRechargesPerMonth }),
      }),
    wallet: async (tenant: string) => (await http<WalletBody>('GET', `${url}/tenants/${tenant}/wallet`)).body,
    transactions: async (tenant: string, query = '') => (await http<TransactionsBody>('GET', `${url}/tenants/${tenant}/wallet/transactions${query}`)).body,
  };
}

export interface MoneyBody {
  amount: string;
  currency: string;
}

export interface WalletBody {
  currency: string;
  billingSetUp: boolean;
  balance: MoneyBody;
  held: MoneyBody;
  owed: MoneyBody;
  available: MoneyBody;
  autoRecharge: {
    enabled: boolean;
    pending: boolean;
    consecutiveFailures: number;
    retryAt: string | null;
    maxRechargesPerMonth: number | null;
    rechargesThisMonth: number;
  };
}

export interface TransactionBody {
  id: string;
  sequence: number;
  type: string;
  amount: MoneyBody;
  held: MoneyBody;
  balanceAfter: MoneyBody | null;
  callId: string | null;
  causationEventId: string | null;
  rate: Record<string, unknown> | null;
  lots: { lotId: string; amount: MoneyBody }[];
  details: Record<string, unknown>;
}

export interface TransactionsBody {
  items: TransactionBody[];
  nextCursor: string | null;
}
