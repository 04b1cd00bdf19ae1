import { consumerName, deadLetterPath, deadLetterPlace, payloadText, replayBodyOf } from './dead-letters';

describe('dead letters on the Operations page', () => {
  const letter = { topic: 'telephony.call-started.dlt', partition: 1, offset: '42' };

  it('names a dead letter and its API path', () => {
    expect(deadLetterPlace(letter)).toBe('telephony.call-started.dlt/1/42');
    expect(deadLetterPath(letter, '/replay')).toBe('/dead-letters/telephony.call-started.dlt/1/42/replay');
    expect(consumerName('t1234.credit-wallet')).toBe('credit-wallet');
    expect(consumerName('reporting')).toBe('reporting');
  });

  it('replays as it was without a payload, with the typed JSON otherwise, and refuses what is not JSON', () => {
    expect(replayBodyOf('   ')).toEqual({ body: {} });
    expect(replayBodyOf('{"callId": "c1"}')).toEqual({ body: { payload: { callId: 'c1' } } });
    expect(replayBodyOf('{"callId": ')).toEqual({ error: expect.stringMatching(/^The fixed payload is not JSON: /) });
  });

  it('puts the payload in the editor as pretty JSON or as text', () => {
    expect(payloadText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(payloadText('[[[')).toBe('[[[');
    expect(payloadText(null)).toBe('');
  });
});
