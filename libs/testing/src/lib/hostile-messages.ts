import { randomUUID } from 'node:crypto';
import { callEnded, callStarted } from './fixtures';

export interface HostileMessage {
  kind: string;
  value: Buffer | null;
  /** The `dlt-reason` it must be dead-lettered with. */
  reason: string;
}

/**
 * What an upstream producer (buggy or hostile) can put on a topic, each with the reason it
 * must be dead-lettered for, built around `valid()` (a valid event whose `callId` is a string
 * and whose `durationSeconds` or `version` is a number).
 */
export function hostileMessages(valid: () => Record<string, unknown>): HostileMessage[] {
  const json = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const withNumber = (literal: string) => json(JSON.stringify({ ...valid(), version: 1 }).replace('"version":1', `"version":${literal}`));
  // The reported one: 30 KB, an object nested 5,000 levels deep inside a valid envelope.
  const deep = JSON.stringify(valid()).replace(/}$/, `,"x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`);
  return [
    { kind: 'nested 5,000 levels deep', value: json(deep), reason: 'NESTING_TOO_DEEP' },
    { kind: 'arrays nested 5,000 deep', value: json(`${'['.repeat(5_000)}${']'.repeat(5_000)}`), reason: 'NESTING_TOO_DEEP' },
    { kind: 'oversized (100 KiB)', value: json({ ...valid(), padding: 'x'.repeat(100 * 1024) }), reason: 'MESSAGE_TOO_LARGE' },
    {
      kind: 'too many keys',
      value: json({ ...valid(), ...Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])) }),
      reason: 'MESSAGE_TOO_LARGE',
    },
    {
      kind: 'invalid UTF-8',
      value: Buffer.concat([json(valid()).subarray(0, 20), Buffer.from([0xc3, 0x28, 0xff]), json(valid()).subarray(20)]),
      reason: 'INVALID_UTF8',
    },
    { kind: 'null value', value: null, reason: 'INVALID_JSON' },
    { kind: 'empty value', value: Buffer.alloc(0), reason: 'INVALID_JSON' },
    { kind: 'not JSON', value: json('{"this is": not json'), reason: 'INVALID_JSON' },
    { kind: 'JSON null', value: json('null'), reason: 'SCHEMA_INVALID' },
    { kind: 'JSON array', value: json([valid()]), reason: 'SCHEMA_INVALID' },
    { kind: 'JSON string', value: json('"CallEnded"'), reason: 'SCHEMA_INVALID' },
    { kind: 'JSON number', value: json('42'), reason: 'SCHEMA_INVALID' },
    { kind: 'empty object', value: json({}), reason: 'SCHEMA_INVALID' },
    { kind: 'null fields', value: json({ ...valid(), callId: null, tenantId: null }), reason: 'SCHEMA_INVALID' },
    { kind: 'empty id', value: json({ ...valid(), callId: '' }), reason: 'SCHEMA_INVALID' },
    { kind: 'wrong types', value: json({ ...valid(), version: '1', callId: 12 }), reason: 'SCHEMA_INVALID' },
    { kind: 'object where a string is', value: json({ ...valid(), callId: { $gt: '' } }), reason: 'SCHEMA_INVALID' },
    { kind: 'absurd number (1e999)', value: withNumber('1e999'), reason: 'SCHEMA_INVALID' },
    { kind: 'absurd number (2^64)', value: withNumber('18446744073709551616'), reason: 'SCHEMA_INVALID' },
    { kind: 'a number of 1,000 digits', value: withNumber('9'.repeat(1_000)), reason: 'SCHEMA_INVALID' },
    { kind: 'negative version', value: json({ ...valid(), version: -1 }), reason: 'SCHEMA_INVALID' },
    { kind: 'unknown future version', value: json({ ...valid(), version: 7 }), reason: 'UNKNOWN_VERSION' },
    { kind: 'unknown type', value: json({ ...valid(), type: 'CallExploded' }), reason: 'SCHEMA_INVALID' },
    { kind: 'control characters in an id', value: json({ ...valid(), callId: 'c\u0000\u001b[31m' }), reason: 'SCHEMA_INVALID' },
    { kind: 'control characters in a key', value: json({ ...valid(), 'bad\u0007key': 1 }), reason: 'SCHEMA_INVALID' },
    { kind: 'lone surrogate', value: json(JSON.stringify(valid()).replace(/"callId":"[^"]*"/, '"callId":"\\ud800"')), reason: 'SCHEMA_INVALID' },
    { kind: '__proto__ key', value: json(JSON.stringify(valid()).replace('{', '{"__proto__":{"polluted":true},')), reason: 'SCHEMA_INVALID' },
  ];
}

/** Hostile messages for `telephony.call-ended`, around a valid CallEnded of `tenantId`. */
export function hostileCallEnded(tenantId: string): HostileMessage[] {
  return hostileMessages(() => ({ ...callEnded({ tenantId, callId: `hostile-${randomUUID().slice(0, 8)}`, durationSeconds: 60 }) }));
}

/** Hostile messages for `telephony.call-started`, around a valid CallStarted of `tenantId`. */
export function hostileCallStarted(tenantId: string): HostileMessage[] {
  return hostileMessages(() => ({ ...callStarted({ tenantId, callId: `hostile-${randomUUID().slice(0, 8)}` }) }));
}
