import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, Role, ensureDevKeySet, isRole, parseDuration, signDevToken } from '@comms-credits/platform';

export const TOKEN_HELP = `npm run -s token -- --role ROLE [--tenant T] [--ttl 1h] [--sub NAME]

Prints one bearer token for the local stack (signed with the development key of .run/auth/,
made there if missing) on stdout, and nothing else:

  TOKEN=$(npm run -s token -- --role operator)
  curl -s -H "Authorization: Bearer $TOKEN" localhost:3004/tenants/contoso/wallet

options:
  --role ROLE     ${ROLES.join(' | ')} (repeat for several)
  --tenant T      the tenant (tid) of a tenant-admin or tenant-reader
  --ttl D         lifetime: 90s, 15m, 12h, 7d (default 1h)
  --sub NAME      the actor recorded on changes (default dev-<role>[@tenant])
  --dir D         the key set's directory (default .run/auth)`;

export interface TokenCliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The token command; returns its exit code. */
export async function runTokenCli(argv: string[], io: TokenCliIo, root = process.cwd()): Promise<number> {
  let values: { role?: string[]; tenant?: string; ttl?: string; sub?: string; dir?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string', multiple: true },
        tenant: { type: 'string' },
        ttl: { type: 'string' },
        sub: { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${TOKEN_HELP}\n`);
    return 2;
  }
  if (values.help) {
    io.err(`${TOKEN_HELP}\n`);
    return 0;
  }
  const roles = values.role ?? [];
  const unknown = roles.filter((r) => !isRole(r));
  if (roles.length === 0 || unknown.length > 0) {
    io.err(`token: --role must be one of ${ROLES.join(', ')}${unknown.length ? ` (got ${unknown.join(', ')})` : ''}\n`);
    return 2;
  }
  const needsTenant = roles.some((r) => r !== 'operator');
  if (needsTenant && !values.tenant) {
    io.err('token: --tenant is required for tenant-admin and tenant-reader\n');
    return 2;
  }
  if (values.tenant !== undefined && !/^[A-Za-z0-9._-]{1,100}$/.test(values.tenant)) {
    io.err('token: --tenant must be 1-100 of [A-Za-z0-9._-]\n');
    return 2;
  }
  const ttlSeconds = parseDuration(values.ttl ?? '1h');
  if (ttlSeconds === undefined) {
    io.err('token: --ttl must look like 90s, 15m, 12h or 7d\n');
    return 2;
  }
  const keys = await ensureDevKeySet(path.resolve(root, values.dir ?? '.run/auth'));
  const token = await signDevToken(keys, { roles: roles as Role[], tenant: values.tenant, sub: values.sub, ttlSeconds });
  io.out(`${token}\n`);
  return 0;
}
