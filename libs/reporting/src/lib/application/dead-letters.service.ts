import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeadLetterDetail, DeadLetterSummary, ReplayOutcome, TENANT_ID, Topics } from '@comms-credits/contracts';
import { EventStore, Transactions } from '@comms-credits/event-store';
import {
  DeadLetter,
  DeadLetterNotFoundError,
  DeadLetterNotReplayableError,
  DeadLetterPosition,
  DeadLetterTool,
  deadLetterFacts,
  payloadPreview,
  readablePayload,
} from '@comms-credits/messaging';
import { KAFKA, ProblemException, SERVICE_CONFIG } from '@comms-credits/platform';
import { Kafka } from 'kafkajs';
import { ReportingConfig } from '../reporting.config';
import { deadLetterStream } from './reporting.streams';

/** The tenant of platform-wide records (a dead letter whose tenant cannot be told); no real tenant id starts with `_`. */
export const PLATFORM_TENANT = '_platform';

/** The contract's topics: the only ones whose dead letters this API reads. */
const CONTRACT_TOPICS: readonly string[] = Object.values(Topics);

/**
 * Dead letters over HTTP for operators (design.md "Operability"), on the library code of
 * `npm run -s dlt`: list (paged), show, replay — a replay records `DeadLetterReplayed` with the
 * operator as its actor, so it shows in `GET /tenants/{t}/audit` of the letter's tenant (or of
 * `_platform`). Reporting hosts it because it already reads every topic of the contract.
 */
@Injectable()
export class DeadLettersService {
  private readonly tool: DeadLetterTool;
  private readonly log = new Logger(DeadLettersService.name);

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ReportingConfig,
    private readonly transactions: Transactions,
    private readonly store: EventStore,
  ) {
    this.tool = new DeadLetterTool(kafka, config.KAFKA_TOPIC_PREFIX, 20_000);
  }

  /** `telephony.call-started` or `telephony.call-started.dlt` → the contract's topic, or a 400. */
  topicOf(name: string): string {
    const bare = name.endsWith('.dlt') ? name.slice(0, -4) : name;
    if (!CONTRACT_TOPICS.includes(bare)) {
      throw ProblemException.invalid([{ name: 'topic', reason: `must be one of ${CONTRACT_TOPICS.join(', ')} (or its .dlt)` }]);
    }
    return bare;
  }

  async list(query: { topic?: string; limit: number; cursor?: string }): Promise<{ items: DeadLetterSummary[]; nextCursor: string | null }> {
    const topic = query.topic === undefined ? undefined : this.topicOf(query.topic);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await this.tool.page({ topic, limit: query.limit, after });
    return { items: page.items.map(summaryOf), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  async show(topic: string, partition: number, offset: string): Promise<DeadLetterDetail> {
    const letter = await this.tool.show(this.topicOf(topic), partition, offset);
    if (!letter) throw notFound(topic, partition, offset);
    return { ...summaryOf(letter), headers: letter.headers, payload: readablePayload(letter.value) };
  }

  /**
   * Publishes the letter again to its topic (with `payload` instead of its value, when given),
   * then records who did it. The record follows the publish: a replay is never recorded that
   * did not happen; if recording fails, the replay stands and the failure is logged and answered.
   */
  async replay(topic: string, partition: number, offset: string, payload?: unknown): Promise<ReplayOutcome> {
    const bare = this.topicOf(topic);
    const value = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload), 'utf8');
    if (value && value.length > this.config.KAFKA_MAX_MESSAGE_BYTES) {
      throw ProblemException.invalid([{ name: 'payload', reason: `larger than KAFKA_MAX_MESSAGE_BYTES (${this.config.KAFKA_MAX_MESSAGE_BYTES})` }]);
    }
    let result;
    try {
      result = await this.tool.replay(bare, partition, offset, value);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw notFound(topic, partition, offset);
      if (error instanceof DeadLetterNotReplayableError)
        throw new ProblemException(422, 'DEAD_LETTER.NOT_REPLAYABLE', 'The dead letter cannot be replayed', error.message);
      throw error;
    }
    const { letter } = result;
    const tenantId = tenantOf(value ?? null, letter.key) ?? tenantOf(letter.value, letter.key) ?? PLATFORM_TENANT;
    const deadLetter = { topic: letter.topic, partition: letter.partition, offset: letter.offset };
    const replayedTo = { topic: result.topic.slice(this.config.KAFKA_TOPIC_PREFIX.length), partition: result.partition, offset: result.offset };
    const [recorded] = await this.transactions
      .run((sql) =>
        this.store.append(sql, [
          {
            ...deadLetterStream(tenantId, letter),
            expectedVersion: 'any',
            events: [
              {
                type: 'DeadLetterReplayed',
                data: {
                  deadLetter,
                  replayedTo,
                  reason: letter.reason,
                  consumer: letter.consumer,
                  key: letter.key,
                  withFixedPayload: value !== undefined,
                  // What was published, for the record, without copying a tenant's payload here.
                  payloadSha256: createHash('sha256')
                    .update(value ?? letter.value ?? Buffer.alloc(0))
                    .digest('hex'),
                },
              },
            ],
          },
        ]),
      )
      .catch((error: unknown) => {
        this.log.error({ msg: 'a dead letter was replayed but its record failed', deadLetter, replayedTo, error: (error as Error).message });
        throw error;
      });
    return { deadLetter, replayedTo, withFixedPayload: value !== undefined, tenantId, eventId: recorded!.eventId };
  }
}

function summaryOf(letter: DeadLetter): DeadLetterSummary {
  const preview = payloadPreview(letter.value);
  return {
    ...deadLetterFacts(letter),
    tenantId: tenantOf(letter.value, letter.key),
    payloadPreview: preview.text,
    payloadBytes: preview.bytes,
    payloadTruncated: preview.truncated,
  };
}

/** The payload's `tenantId` when it is a JSON object naming a valid one, else the key when it is one. */
function tenantOf(value: Buffer | null, key: string | null): string | null {
  if (value && value.length <= 1_048_576) {
    try {
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      const tenantId = parsed && typeof parsed === 'object' ? (parsed as { tenantId?: unknown }).tenantId : undefined;
      if (typeof tenantId === 'string' && TENANT_ID.test(tenantId)) return tenantId;
    } catch {
      // not JSON: try the key
    }
  }
  return key !== null && TENANT_ID.test(key) ? key : null;
}

function notFound(topic: string, partition: number, offset: string): ProblemException {
  return ProblemException.notFound('DEAD_LETTER.NOT_FOUND', `no dead letter at ${topic} partition ${partition} offset ${offset}`);
}

const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;

function encodeCursor(position: DeadLetterPosition): string {
  return Buffer.from(JSON.stringify([position.topic, position.partition, position.offset])).toString('base64url');
}

function decodeCursor(cursor: string): DeadLetterPosition {
  const invalid = () => new ProblemException(400, 'DEAD_LETTER.INVALID_CURSOR', 'The cursor is not valid', 'cursor must be the nextCursor of a previous page');
  if (!CURSOR.test(cursor)) throw invalid();
  try {
    const [topic, partition, offset] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof topic !== 'string' ||
      !CONTRACT_TOPICS.includes(topic.replace(/\.dlt$/, '')) ||
      !Number.isInteger(partition) ||
      (partition as number) < 0 ||
      typeof offset !== 'string' ||
      !/^\d{1,19}$/.test(offset)
    ) {
      throw invalid();
    }
    return { topic, partition: partition as number, offset };
  } catch {
    throw invalid();
  }
}
