import { callStream } from './call-stream';

describe('the call stream (its id is persisted: it never changes)', () => {
  it('given a call, when it is named, then it is the stream `call:<tenant>:<callId>` of type call', () => {
    expect(callStream('t1', 'c1')).toEqual({ streamId: 'call:t1:c1', streamType: 'call', tenantId: 't1' });
  });
});
