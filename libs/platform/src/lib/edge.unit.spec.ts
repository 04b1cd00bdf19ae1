import { KafkaJSAggregateError, KafkaJSProtocolError } from 'kafkajs';
import { bodyParserProblems, corsOrigins } from './edge';
import { isAuthorizationFailure } from './platform.module';
import { maskPhoneNumbers, safeRequestSerializer } from './safe-logging';

describe('the edge and safe request logs', () => {
  it('masks phone numbers in URLs (plain, %2B-encoded, spaced) but not dates, months or small numbers', () => {
    expect(maskPhoneNumbers('/tenants/x/toll-free-numbers/+18005550199')).toBe('/tenants/x/toll-free-numbers/+*******0199');
    expect(maskPhoneNumbers('/t/%2B18005550199?n=%2B1%20800%20555%200199')).toBe('/t/+*******0199?n=+*******0199');
    expect(maskPhoneNumbers('/a/14255550123/b')).toBe('/a/*******0123/b');
    const harmless = '/tenants/x/usage?from=2026-11-01T00:00:00Z&month=2026-11&cursor=42&limit=100';
    expect(maskPhoneNumbers(harmless)).toBe(harmless);
  });

  it('serializes a request without query or params copies and with the URL masked', () => {
    const serialized = safeRequestSerializer({
      id: 1,
      method: 'GET',
      url: '/n/+18005550199?x=1',
      query: { x: '1' },
      params: { number: '+18005550199' },
      headers: {},
    });
    expect(serialized).toEqual({ id: 1, method: 'GET', url: '/n/+*******0199?x=1', headers: {} });
  });

  it('reads CORS_ORIGINS as a list, none by default', () => {
    expect(corsOrigins({})).toEqual([]);
    expect(corsOrigins({ CORS_ORIGINS: 'https://a.example, http://127.0.0.1:3000' })).toEqual(['https://a.example', 'http://127.0.0.1:3000']);
  });

  it("renders body-parser's refusals as problem+json without the body, and passes other errors on", () => {
    const sent: { status?: number; type?: string; body?: unknown } = {};
    const response = {
      status: (s: number) => ((sent.status = s), response),
      type: (t: string) => ((sent.type = t), response),
      json: (b: unknown) => ((sent.body = b), response),
    };
    const next = jest.fn();
    bodyParserProblems({ status: 413, type: 'entity.too.large', limit: 65536 }, { url: '/x' } as never, response as never, next);
    expect(sent).toEqual({
      status: 413,
      type: 'application/problem+json',
      body: {
        type: 'about:blank',
        instance: '/x',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        title: 'Payload too large',
        detail: 'the request body is larger than 65536 bytes',
      },
    });
    bodyParserProblems({ status: 400, type: 'entity.parse.failed', body: '{"secret": "+14255550100"' }, { url: '/x' } as never, response as never, next);
    expect(JSON.stringify(sent.body)).not.toContain('+1425');
    const other = new Error('boom');
    bodyParserProblems(other, { url: '/x' } as never, response as never, next);
    expect(next).toHaveBeenCalledWith(other);
  });

  it('tells a refusal by broker ACLs from other topic-creation errors', () => {
    const protocol = (type: string) => new KafkaJSProtocolError({ type, code: 0, retriable: false, message: type } as never);
    expect(
      isAuthorizationFailure(new KafkaJSAggregateError('Topic creation errors', [protocol('TOPIC_AUTHORIZATION_FAILED'), protocol('TOPIC_ALREADY_EXISTS')])),
    ).toBe(true);
    expect(isAuthorizationFailure(protocol('CLUSTER_AUTHORIZATION_FAILED'))).toBe(true);
    expect(
      isAuthorizationFailure(
        new KafkaJSAggregateError('Topic creation errors', [protocol('INVALID_REPLICATION_FACTOR'), protocol('TOPIC_AUTHORIZATION_FAILED')]),
      ),
    ).toBe(false);
    expect(isAuthorizationFailure(new Error('SASL authentication failed'))).toBe(false);
  });
});
