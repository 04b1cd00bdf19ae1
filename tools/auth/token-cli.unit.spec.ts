import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, TokenVerifier, devKeySetAt } from '@comms-credits/platform';
import { runTokenCli } from './token-cli';

async function run(args: string[], dir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTokenCli([...args, '--dir', dir], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('npm run -s token', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'token-cli-'));

  it('prints one operator token the services trust, and nothing else', async () => {
    const { code, out, err } = await run(['--role', 'operator'], dir);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verifier = TokenVerifier.fromSettings({ jwks: { file: devKeySetAt(dir).jwksFile }, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    await expect(verifier.verify(out.trim())).resolves.toEqual({ sub: 'dev-operator', roles: ['operator'] });
  });

  it('makes a tenant admin token with a lifetime', async () => {
    const { code, out } = await run(['--role', 'tenant-admin', '--tenant', 'contoso', '--ttl', '12h', '--sub', 'alice'], dir);
    expect(code).toBe(0);
    const claims = decodeJwt(out.trim());
    expect(claims).toMatchObject({ sub: 'alice', roles: ['tenant-admin'], tid: 'contoso', iss: DEV_ISSUER, aud: DEV_AUDIENCE });
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
  });

  it('reuses the key set it made', async () => {
    const first = await run(['--role', 'operator'], dir);
    const second = await run(['--role', 'operator'], dir);
    expect(decodeJwt(first.out.trim())).toBeDefined();
    const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
    expect(kid(first.out)).toBe(kid(second.out));
  });

  it.each([
    [['--role', 'admin'], /--role must be one of/],
    [[], /--role must be one of/],
    [['--role', 'tenant-reader'], /--tenant is required/],
    [['--role', 'operator', '--ttl', 'forever'], /--ttl/],
    [['--role', 'operator', '--bogus'], /Unknown option/],
  ])('refuses %p on stderr, with nothing on stdout', async (args, message) => {
    const { code, out, err } = await run(args, dir);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });
});
