/** Reading the Prometheus text of `GET /metrics` (docs/operations.md) for the operations page. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string, names?: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const [, name, labelText = '', raw] = match;
    if (names && !names.has(name!)) continue;
    const labels: Record<string, string> = {};
    for (const l of labelText.matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

export interface TopicFigures {
  topic: string;
  lag: number;
  processed: number;
  deadLettered: number;
  /** Dead letters by dlt-reason. */
  reasons: Record<string, number>;
}

/** Lag (summed over partitions), processed and dead-lettered messages per topic of one service. */
export function topicFigures(text: string): TopicFigures[] {
  const wanted = new Set(['kafka_consumer_lag_messages', 'kafka_messages_processed_total', 'kafka_messages_dead_lettered_total']);
  const byTopic = new Map<string, TopicFigures>();
  const of = (topic: string) => {
    let f = byTopic.get(topic);
    if (!f) byTopic.set(topic, (f = { topic, lag: 0, processed: 0, deadLettered: 0, reasons: {} }));
    return f;
  };
  for (const s of parsePrometheus(text, wanted)) {
    const topic = s.labels['topic'];
    if (!topic || !Number.isFinite(s.value)) continue;
    const f = of(topic);
    if (s.name === 'kafka_consumer_lag_messages') f.lag += s.value;
    else if (s.name === 'kafka_messages_processed_total') f.processed += s.value;
    else {
      f.deadLettered += s.value;
      const reason = s.labels['reason'] ?? 'unknown';
      f.reasons[reason] = (f.reasons[reason] ?? 0) + s.value;
    }
  }
  return [...byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

export interface Readiness {
  ready: boolean;
  /** Check name → "up" or the reason it is down. */
  checks: Record<string, string>;
}

/** The answer of `GET /health/ready` (terminus shape: status, info, error, details; plus `failed`). */
export function readinessOf(status: number, body: unknown): Readiness {
  const checks: Record<string, string> = {};
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const details = (b['details'] ?? { ...(b['info'] as object), ...(b['error'] as object) }) as Record<string, Record<string, unknown>> | undefined;
  for (const [name, check] of Object.entries(details ?? {})) {
    const up = check?.['status'] === 'up';
    checks[name] = up ? 'up' : String(check?.['message'] ?? check?.['reason'] ?? check?.['status'] ?? 'down');
  }
  return { ready: status === 200, checks };
}
