import { Envelope } from '@comms-credits/contracts';
import { Decider, DomainError, DomainEvent, fail, ok } from '@comms-credits/domain-kit';

/** The events a tenant can subscribe a webhook endpoint to (design.md, "Reporting service"). */
export const WEBHOOK_EVENT_TYPES = [
  'pool.threshold_reached',
  'wallet.recharge_succeeded',
  'wallet.recharge_failed',
  'wallet.balance_depleted',
  'toll_free.suspended',
  'toll_free.resumed',
  'call.settlement_missing',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Which published event raises which webhook event, and from which service. */
export const WEBHOOK_EVENT_OF: Record<string, { event: WebhookEventType; source: string }> = {
  PoolUsageThresholdReached: { event: 'pool.threshold_reached', source: 'pool-ledger' },
  AutoRechargeSucceeded: { event: 'wallet.recharge_succeeded', source: 'credit-wallet' },
  AutoRechargeFailed: { event: 'wallet.recharge_failed', source: 'credit-wallet' },
  BalanceReachedZero: { event: 'wallet.balance_depleted', source: 'credit-wallet' },
  TollFreeNumbersSuspended: { event: 'toll_free.suspended', source: 'toll-free' },
  TollFreeNumbersResumed: { event: 'toll_free.resumed', source: 'toll-free' },
  PoolSettlementMissing: { event: 'call.settlement_missing', source: 'pool-ledger' },
  CallSettlementMissing: { event: 'call.settlement_missing', source: 'credit-wallet' },
};

/** An alert to deliver: the webhook event and its payload (Standard Webhooks' `{type, timestamp, data}`). */
export interface WebhookAlert {
  tenantId: string;
  event: WebhookEventType;
  /** The Standard Webhooks message id (`webhook-id`): the same on every attempt and resend of it. */
  messageId: string;
  payload: { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };
}

const ENVELOPE_FIELDS = new Set(['eventId', 'type', 'version', 'occurredAt', 'tenantId', 'correlationId', 'causationId']);

/** The alert a published event raises, or null. The data is the event's own fields, plus where it came from. */
export function alertOf(event: Envelope & Record<string, unknown>): WebhookAlert | null {
  const mapped = WEBHOOK_EVENT_OF[event.type];
  if (!mapped) return null;
  const fields = Object.fromEntries(Object.entries(event).filter(([k]) => !ENVELOPE_FIELDS.has(k)));
  return {
    tenantId: event.tenantId,
    event: mapped.event,
    messageId: `msg_${event.eventId}`,
    payload: {
      type: mapped.event,
      timestamp: event.occurredAt,
      data: { tenantId: event.tenantId, source: mapped.source, sourceEvent: { id: event.eventId, type: event.type }, ...fields },
    },
  };
}

/** A tenant's webhook endpoint (stream `webhook:<tenant>:<id>`). The secret is kept to sign; it is never published. */
export type WebhookEndpointEvent =
  | DomainEvent<'WebhookEndpointCreated', { webhookId: string; url: string; events: WebhookEventType[]; enabled: boolean; secret: string }>
  | DomainEvent<'WebhookEndpointChanged', { webhookId: string; url: string; events: WebhookEventType[]; enabled: boolean }>
  | DomainEvent<'WebhookEndpointDeleted', { webhookId: string }>
  | DomainEvent<'WebhookDeliveryResent', { webhookId: string; deliveryId: string }>;

export type WebhookEndpointCommand =
  | { type: 'Put'; webhookId: string; url: string; events: WebhookEventType[]; enabled: boolean; newSecret: string }
  | { type: 'Delete'; webhookId: string }
  | { type: 'RecordResend'; webhookId: string; deliveryId: string };

export interface WebhookEndpointState {
  exists: boolean;
  url?: string;
  events?: WebhookEventType[];
  enabled?: boolean;
}

export const WebhookErrors = {
  NotFound: 'WEBHOOK.NOT_FOUND',
  DeliveryNotFound: 'WEBHOOK.DELIVERY_NOT_FOUND',
  UrlNotAllowed: 'WEBHOOK.URL_NOT_ALLOWED',
} as const;

const notFound = (id: string) => new DomainError(WebhookErrors.NotFound, `no webhook endpoint ${id}`, 'not-found', { webhookId: id });

/** Put creates (with a new secret) or changes an endpoint; an identical put records nothing. */
export const webhookEndpointDecider: Decider<WebhookEndpointCommand, WebhookEndpointEvent, WebhookEndpointState> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'WebhookEndpointCreated':
      case 'WebhookEndpointChanged':
        return { exists: true, url: event.data.url, events: event.data.events, enabled: event.data.enabled };
      case 'WebhookEndpointDeleted':
        return { exists: false };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Put': {
        const { webhookId, url, events, enabled } = command;
        if (!state.exists) return ok([{ type: 'WebhookEndpointCreated', data: { webhookId, url, events, enabled, secret: command.newSecret } }]);
        const same = state.url === url && state.enabled === enabled && JSON.stringify(state.events) === JSON.stringify(events);
        return ok(same ? [] : [{ type: 'WebhookEndpointChanged', data: { webhookId, url, events, enabled } }]);
      }
      case 'Delete':
        return state.exists ? ok([{ type: 'WebhookEndpointDeleted', data: { webhookId: command.webhookId } }]) : fail(notFound(command.webhookId));
      case 'RecordResend':
        return state.exists
          ? ok([{ type: 'WebhookDeliveryResent', data: { webhookId: command.webhookId, deliveryId: command.deliveryId } }])
          : fail(notFound(command.webhookId));
    }
  },
};

export function webhookStreamId(tenantId: string, webhookId: string): string {
  return `webhook:${tenantId}:${webhookId}`;
}

/** Back-off before attempt n + 1 after n failed attempts: base × 2^(n−1), capped. */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
