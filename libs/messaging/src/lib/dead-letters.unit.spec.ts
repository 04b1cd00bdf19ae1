import { payloadPreview, readablePayload } from './dead-letters';

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
