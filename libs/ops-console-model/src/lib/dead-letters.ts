import type { DeadLetterFacts } from '@comms-credits/contracts/responses';

/**
 * The reporting service's dead letters (`GET /dead-letters`, operators; their shape is the
 * contract's `DeadLetterSummary`) as the Operations page names them, and the body of a replay
 * from what the operator typed.
 */

/** What names a dead letter: where it sits. */
type DeadLetterPlace = Pick<DeadLetterFacts, 'topic' | 'partition' | 'offset'>;

/** `telephony.call-started.dlt/0/42`: how a dead letter is named on the page and in its API path. */
export function deadLetterPlace(letter: DeadLetterPlace): string {
  return `${letter.topic}/${letter.partition}/${letter.offset}`;
}

/** The API path of one dead letter (`/dead-letters/<topic>/<partition>/<offset>`), each part encoded. */
export function deadLetterPath(letter: DeadLetterPlace, rest = ''): string {
  return `/dead-letters/${encodeURIComponent(letter.topic)}/${letter.partition}/${encodeURIComponent(letter.offset)}${rest}`;
}

/** "consumer t1.credit-wallet" without the test/namespace noise: the group's last segment. */
export function consumerName(consumer: string): string {
  const parts = consumer.split('.');
  return parts[parts.length - 1] || consumer;
}

/**
 * What to send to `POST …/replay`: nothing typed → replay the message as it was (`{}`);
 * JSON → `{payload}`; anything else → an error to show instead of sending.
 */
export function replayBodyOf(text: string): { body: { payload?: unknown } } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { body: {} };
  try {
    return { body: { payload: JSON.parse(trimmed) as unknown } };
  } catch (error) {
    return { error: `The fixed payload is not JSON: ${(error as Error).message}` };
  }
}

/** The payload in the editor: pretty JSON when it is JSON, else as it came (text; base64 as `{base64}`). */
export function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return '';
  if (typeof payload === 'string') return payload;
  try {
    return JSON.stringify(payload, null, 2);
  } catch {
    return String(payload);
  }
}
