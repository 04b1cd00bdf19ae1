import { deadLetterStream, tenantStream, usageStream, webhookStream } from './reporting.streams';

describe('reporting streams (ids are persisted: they never change)', () => {
  it('given a call, when its usage is named, then it is the stream `usage:<tenant>:<callId>` of type usage', () => {
    expect(usageStream('t1', 'c1')).toEqual({ streamId: 'usage:t1:c1', streamType: 'usage', tenantId: 't1' });
  });

  it('given a webhook endpoint, when it is named, then it is the stream `webhook:<tenant>:<webhookId>` of type webhook', () => {
    expect(webhookStream('t1', 'w1')).toEqual({ streamId: 'webhook:t1:w1', streamType: 'webhook', tenantId: 't1' });
  });

  it("given a tenant and a topic, when the tenant's figures of that topic are named, then it is the stream `tenant:<tenant>:<topic>` of type tenant", () => {
    expect(tenantStream('t1', 'credit-wallet.events')).toEqual({ streamId: 'tenant:t1:credit-wallet.events', streamType: 'tenant', tenantId: 't1' });
  });

  it('given a dead letter, when its replays are named, then it is the stream `dead-letter:<dlt topic>/<partition>/<offset>` of type dead-letter', () => {
    expect(deadLetterStream('_platform', { topic: 'telephony.call-started.dlt', partition: 2, offset: '41' })).toEqual({
      streamId: 'dead-letter:telephony.call-started.dlt/2/41',
      streamType: 'dead-letter',
      tenantId: '_platform',
    });
  });
});
