import { connect } from 'node:net';
import { isTransientError, isVersionConflict } from './errors';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE'])('retries a network error %s', (code) =>
    expect(isTransientError(withCode(code))).toBe(true),
  );

  it.each([
    ['08006', 'connection failure'],
    ['57P01', 'admin shutdown'],
    ['53300', 'too many connections'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
  ])('retries PostgreSQL %s (%s), also wrapped by TypeORM', (code) => {
    expect(isTransientError(withCode(code))).toBe(true);
    expect(isTransientError(Object.assign(new Error('QueryFailedError'), { name: 'QueryFailedError', driverError: withCode(code) }))).toBe(true);
  });

  it("retries a Unix socket that is not there (PostgreSQL's, while it restarts), not any missing file", async () => {
    const missing = await new Promise<Error>((resolve) => connect('/nonexistent-dir/.s.PGSQL.5432').on('error', resolve));
    expect(missing).toMatchObject({ code: 'ENOENT', syscall: 'connect' });
    expect(isTransientError(missing)).toBe(true);
    expect(isTransientError(Object.assign(withCode('ENOENT', 'no such file'), { syscall: 'open' }))).toBe(false);
  });

  it('retries an unreachable host hidden in a cause or an AggregateError', () => {
    expect(isTransientError(new Error('could not publish', { cause: withCode('EHOSTUNREACH') }))).toBe(true);
    expect(isTransientError(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'))).toBe(true);
  });

  it('retries pg pool and kafkajs connection failures by name or message', () => {
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' }))).toBe(true);
  });

  it('does not retry forever what a message causes', () => {
    expect(isTransientError(new Error('cannot settle call'))).toBe(false);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isTransientError(withCode('23505', 'duplicate key'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('conflict'), { name: 'VersionConflictError' }))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
    expect(isTransientError('a string')).toBe(false);
  });

  it('survives an error whose cause is itself', () => {
    const loop = new Error('loop') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(isTransientError(loop)).toBe(false);
  });
});

describe('isVersionConflict', () => {
  it('recognises the event store error by name', () => {
    expect(isVersionConflict(Object.assign(new Error('x'), { name: 'VersionConflictError' }))).toBe(true);
    expect(isVersionConflict(new Error('x'))).toBe(false);
  });
});
