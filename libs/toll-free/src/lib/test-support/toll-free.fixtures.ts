import { randomUUID } from 'node:crypto';
import { Sku, Topics } from '@comms-credits/contracts';
import { http } from '@comms-credits/service-testing';
import { TestKafka, eventually } from '@comms-credits/testing';
import { QuotaView } from '../application/toll-free.queries';

const envelope = (type: string, tenantId: string) => ({ eventId: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), tenantId });

/** `SubscriptionSeatsChanged` as licensing publishes it. */
export function seatsChanged(tenantId: string, sku: Sku, seats: number) {
  return { ...envelope('SubscriptionSeatsChanged', tenantId), sku, seats, previousSeats: 0 };
}

/** `WalletBalanceChanged` as the credit wallet publishes it; billing is set up unless told. */
export function walletBalanceChanged(tenantId: string, amount: string, billingSetUp = true) {
  const money = { amount, currency: 'USD' };
  return { ...envelope('WalletBalanceChanged', tenantId), balance: money, available: money, billingSetUp, cause: 'FundsAdded' };
}

/** Waits until the tenant's quota read model shows `expected`, and returns it. */
export function quotaOnceItShows(url: string, tenantId: string, expected: Partial<QuotaView>): Promise<QuotaView> {
  return eventually(async () => {
    const { body } = await http<QuotaView>('GET', `${url}/tenants/${tenantId}/toll-free-numbers/quota`);
    expect(body).toMatchObject(expected);
    return body;
  });
}

/** Publishes the tenant's seats and wallet balance as licensing and the wallet would, and waits until they are read. */
export async function givenAccount(
  kafka: TestKafka,
  url: string,
  tenantId: string,
  account: { seats: Partial<Record<Sku, number>>; balance?: string },
): Promise<QuotaView> {
  const seats = Object.entries(account.seats).map(([sku, n]) => seatsChanged(tenantId, sku as Sku, n));
  await kafka.publish(Topics.LicensingEvents, seats);
  if (account.balance !== undefined) await kafka.publish(Topics.CreditWalletEvents, [walletBalanceChanged(tenantId, account.balance)]);
  return quotaOnceItShows(url, tenantId, {
    seats: account.seats,
    ...(account.balance === undefined ? {} : { billingSetUp: true, balancePositive: Number(account.balance) > 0 }),
  });
}

/** POSTs an acquisition. */
export function acquire(url: string, tenantId: string, country: string) {
  return http('POST', `${url}/tenants/${tenantId}/toll-free-numbers`, { country });
}
