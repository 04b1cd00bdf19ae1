import { DeadLetter, deadLetterFacts, payloadPreview, readablePayload } from './dead-letters';

describe('dead-letter payloads for people', () => {
  it('previews text up to a length, escaping control characters, and says when it is cut', () => {
    expect(payloadPreview(Buffer.from('{"a":1}'))).toEqual({ text: '{"a":1}', truncated: false, bytes: 7 });
    expect(payloadPreview(Buffer.from('a\u0000b\nc'))).toMatchObject({ text: 'a\\u0000b\\u000ac', truncated: false });
    expect(payloadPreview(Buffer.from('['.repeat(5000)), 10)).toEqual({ text: `${'['.repeat(10)}…`, truncated: true, bytes: 5000 });
    expect(payloadPreview(null)).toEqual({ text: null, truncated: false, bytes: 0 });
  });

  it('never cuts a character in two, and shows bytes that are not UTF-8 as base64', () => {
    expect(payloadPreview(Buffer.from('é'.repeat(100)), 3).text).toBe('ééé…');
    expect(payloadPreview(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ text: 'base64://4A', truncated: false });
  });

  it('shows a payload as JSON, text or base64', () => {
    expect(readablePayload(Buffer.from('{"a":[1]}'))).toEqual({ a: [1] });
    expect(readablePayload(Buffer.from('{"a":'))).toBe('{"a":');
    expect(readablePayload(Buffer.from([0xff]))).toEqual({ base64: '/w==' });
  });
});

describe('a dead letter in a list', () => {
  it('given a dead letter, when its facts are taken, then they are all it says of itself but its payload and headers, in a fixed order', () => {
    const facts = {
      topic: 'telephony.call-started.dlt',
      partition: 1,
      offset: '7',
      key: 't1',
      reason: 'SCHEMA_INVALID',
      error: 'to is required',
      originalTopic: 'telephony.call-started',
      originalPartition: '1',
      originalOffset: '41',
      consumer: 'reporting',
      failedAt: '2026-12-02T06:00:00.000Z',
    };
    const letter: DeadLetter = { ...facts, value: Buffer.from('{}'), headers: { 'dlt-reason': 'SCHEMA_INVALID', 'trace-id': 'x' } };

    const taken = deadLetterFacts(letter);

    expect(taken).toEqual(facts);
    expect(Object.keys(taken)).toEqual([
      'topic',
      'partition',
      'offset',
      'key',
      'reason',
      'error',
      'originalTopic',
      'originalPartition',
      'originalOffset',
      'consumer',
      'failedAt',
    ]);
  });
});
