import { isDatabaseUnavailable, whenDatabaseUp } from './database';

describe('waiting for PostgreSQL at start-up', () => {
  const failure = (code: string | undefined, message = 'failed') =>
    Object.assign(new Error(message), code === undefined ? {} : { code }, code === 'ENOENT' ? { syscall: 'connect' } : {});

  it('waits while the server is away: refused, reset, its Unix socket missing, a connection closed as it opens, starting or shutting down', () => {
    for (const error of [
      failure('ECONNREFUSED'),
      failure('ECONNRESET'),
      failure('ENOENT', 'connect ENOENT /var/run/postgresql/.s.PGSQL.5432'),
      failure(undefined, 'Connection terminated unexpectedly'),
      failure('57P03', 'the database system is starting up'),
      failure('57P01', 'terminating connection due to administrator command'),
    ]) {
      expect([error.message, isDatabaseUnavailable(error)]).toEqual([error.message, true]);
    }
  });

  it('does not wait on what waiting does not cure', () => {
    for (const error of [
      failure('28000', 'role "nobody" does not exist'),
      failure('3D000'),
      failure(undefined, 'Connection terminated'),
      failure('EACCES'),
      Object.assign(new Error('no such file'), { code: 'ENOENT', syscall: 'open' }),
    ]) {
      expect([error.message, isDatabaseUnavailable(error)]).toEqual([error.message, false]);
    }
  });

  it('runs the work again until the server answers', async () => {
    let attempts = 0;
    const answer = await whenDatabaseUp(async () => {
      if (++attempts < 3) throw failure('ENOENT', 'connect ENOENT /var/run/postgresql/.s.PGSQL.5432');
      return 'up';
    });
    expect([answer, attempts]).toEqual(['up', 3]);
  });
});
