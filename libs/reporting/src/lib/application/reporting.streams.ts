import { StreamTarget } from '@comms-credits/event-store';
import { usageStreamId } from '../domain/usage.facts';
import { webhookStreamId } from '../domain/webhook.events';

/** What reporting knows of a call, `usage:<tenant>:<callId>` (the id is the usage facts'). */
export function usageStream(tenantId: string, callId: string): StreamTarget {
  return { streamId: usageStreamId(tenantId, callId), streamType: 'usage', tenantId };
}

/** A tenant's webhook endpoint, `webhook:<tenant>:<webhookId>` (the id is the webhook events'). */
export function webhookStream(tenantId: string, webhookId: string): StreamTarget {
  return { streamId: webhookStreamId(tenantId, webhookId), streamType: 'webhook', tenantId };
}

/** A tenant's figures for the directory as one topic tells them, `tenant:<tenant>:<topic>`. */
export function tenantStream(tenantId: string, topic: string): StreamTarget {
  return { streamId: `tenant:${tenantId}:${topic}`, streamType: 'tenant', tenantId };
}

/** The replays of one dead letter, `dead-letter:<dlt topic>/<partition>/<offset>`, on the tenant it names (or `_platform`). */
export function deadLetterStream(tenantId: string, letter: { topic: string; partition: number; offset: string }): StreamTarget {
  return { streamId: `dead-letter:${letter.topic}/${letter.partition}/${letter.offset}`, streamType: 'dead-letter', tenantId };
}
