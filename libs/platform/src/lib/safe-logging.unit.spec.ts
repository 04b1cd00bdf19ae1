import { Logger, LoggerService } from '@nestjs/common';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { LOG_REDACT_PATHS, SafeTypeOrmLogger, safeError } from './safe-logging';

const SECRETS = ['tok_live_SECRET123', '+14255550123', 's3cr3t-pw'];

function failedQuery(): QueryFailedError {
  const driverError = Object.assign(new Error('duplicate key value violates unique constraint "x_pkey"'), {
    code: '23505',
    detail: 'Key (token)=(tok_live_SECRET123) already exists.',
    constraint: 'x_pkey',
  });
  return new QueryFailedError('INSERT INTO x (token, phone) VALUES ($1, $2)', ['tok_live_SECRET123', '+14255550123'], driverError);
}

describe('logs never carry query parameters or passwords', () => {
  it('safeError keeps the type, code and message, not the parameters or the row values', () => {
    const logged = JSON.stringify(safeError(failedQuery()));
    expect(logged).toContain('QueryFailedError');
    expect(logged).toContain('23505');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    expect(JSON.stringify(safeError(new Error('connect postgres://app:s3cr3t-pw@db:5432/x failed')))).not.toContain('s3cr3t-pw');
  });

  it('pino drops what a raw error would carry, and the Authorization header', () => {
    const lines: string[] = [];
    const logger = pino({ redact: LOG_REDACT_PATHS }, { write: (line: string) => lines.push(line) });
    logger.error({ err: failedQuery(), req: { headers: { authorization: 'Bearer eyJ.SECRET.x' } } }, 'request failed');
    const text = lines.join('');
    for (const secret of [...SECRETS, 'eyJ.SECRET.x']) expect(text).not.toContain(secret);
  });

  it('the TypeORM logger logs a failed query by its SQL text only', () => {
    const seen: unknown[] = [];
    const capture: LoggerService = { log: (m) => seen.push(m), error: (m) => seen.push(m), warn: (m) => seen.push(m), debug: (m) => seen.push(m) };
    Logger.overrideLogger(capture);
    try {
      const logger = new SafeTypeOrmLogger();
      const error = failedQuery();
      logger.logQueryError(error, 'INSERT INTO x (token, phone) VALUES ($1, $2)');
      logger.log('warn', 'connecting to postgres://app:s3cr3t-pw@db/x');
    } finally {
      Logger.overrideLogger(false as never);
    }
    const text = JSON.stringify(seen);
    expect(text).toContain('INSERT INTO x');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
