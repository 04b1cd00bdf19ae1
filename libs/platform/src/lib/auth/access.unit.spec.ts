import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, UnsecuredJWT, importJWK } from 'jose';
import { ConfigError, ServiceConfig } from '../config';
import { RouteFacts, mayAccess } from './access.guard';
import { DEV_AUDIENCE, DEV_ISSUER, authSettingsOf } from './auth.settings';
import { ensureDevKeySet, parseDuration, signDevToken } from './dev-tokens';
import { Principal } from './principal';
import { TokenRejected, TokenVerifier, readKeySetFile } from './token-verifier';

const route = (method: string, path: string, params: Record<string, string> = {}, operatorOnly = false): RouteFacts => ({
  method,
  path,
  params,
  operatorOnly,
});
const operator: Principal = { sub: 'op', roles: ['operator'] };
const admin: Principal = { sub: 'a', roles: ['tenant-admin'], tid: 'contoso' };
const reader: Principal = { sub: 'r', roles: ['tenant-reader'], tid: 'contoso' };
const noRoles: Principal = { sub: 'n', roles: [], tid: 'contoso' };

describe('who may do what (mayAccess)', () => {
  const wallet = (method: string, tenantId = 'contoso') => route(method, '/tenants/:tenantId/wallet', { tenantId });
  it.each([
    ['operator reads any tenant', operator, wallet('GET', 'fabrikam'), true],
    ['operator writes any tenant', operator, wallet('POST', 'fabrikam'), true],
    ['admin reads its tenant', admin, wallet('GET'), true],
    ['admin writes its tenant', admin, wallet('PUT'), true],
    ['admin reads another tenant', admin, wallet('GET', 'fabrikam'), false],
    ['admin writes another tenant', admin, wallet('POST', 'fabrikam'), false],
    ['reader reads its tenant (HEAD too)', reader, wallet('HEAD'), true],
    ['reader writes its tenant', reader, wallet('POST'), false],
    ['reader deletes', reader, wallet('DELETE'), false],
    ['no known role', noRoles, wallet('GET'), false],
    ['admin reads the rate card', admin, route('GET', '/rates'), true],
    ['reader reads the policy catalogue', reader, route('GET', '/dialout-policies'), true],
    ['admin publishes a rate card', admin, route('PUT', '/rates/:version', { version: '2027-01' }), false],
    ['operator publishes a rate card', operator, route('PUT', '/rates/:version', { version: '2027-01' }, true), true],
    ['admin on an operator-only read', admin, route('GET', '/tenants/:tenantId/dead-letters', { tenantId: 'contoso' }, true), false],
    ['a tenant route without :tenantId fails closed', admin, route('GET', '/tenants/:t/x', { t: 'contoso' }), false],
    ['a token without tid on a tenant route', { sub: 'x', roles: ['tenant-admin'] } as Principal, wallet('GET'), false],
  ])('%s', (_, principal, facts, expected) => {
    expect(mayAccess(principal, facts)).toBe(expected);
  });
});

describe('access settings', () => {
  const config = (values: Partial<ServiceConfig>) => Object.assign(new ServiceConfig(), values);
  it('fails closed without a key set', () => {
    expect(() => authSettingsOf(config({}))).toThrow(ConfigError);
    expect(() => authSettingsOf(config({}))).toThrow(/AUTH_JWKS_URL.*AUTH_JWKS_FILE/);
  });
  it('needs issuer and audience with an identity provider', () => {
    expect(() => authSettingsOf(config({ AUTH_JWKS_URL: 'https://idp.example.com/keys' }))).toThrow(/AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/);
  });
  it('defaults to the development issuer and audience with a file', () => {
    expect(authSettingsOf(config({ AUTH_JWKS_FILE: '/x/jwks.json' }))).toEqual({ jwks: { file: '/x/jwks.json' }, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  });
});

describe('TokenVerifier', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-unit-'));
  let verifier: TokenVerifier;
  let keys: Awaited<ReturnType<typeof ensureDevKeySet>>;
  beforeAll(async () => {
    keys = await ensureDevKeySet(dir);
    verifier = TokenVerifier.fromSettings({ jwks: { file: keys.jwksFile }, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
  });

  it('accepts a token of the key set and reads sub, roles and tid', async () => {
    const token = await signDevToken(keys, { roles: ['tenant-admin', 'something-else' as never], tenant: 'contoso', sub: 'alice@contoso' });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'alice@contoso', roles: ['tenant-admin'], tid: 'contoso' });
  });

  it.each([
    ['expired', { ttlSeconds: -120 }, /expired/],
    ['wrong issuer', { issuer: 'someone-else' }, /issuer/],
    ['wrong audience', { audience: 'another-api' }, /audience/],
    ['not valid yet', { notBeforeSeconds: 600 }, /not valid yet/],
  ])('refuses a token %s', async (_, change, message) => {
    const token = await signDevToken(keys, { roles: ['operator'], ...change });
    await expect(verifier.verify(token)).rejects.toThrow(message);
  });

  it('honours 60 s of clock skew', async () => {
    const token = await signDevToken(keys, { roles: ['operator'], ttlSeconds: -30 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'dev-operator' });
  });

  it('refuses a token signed by another key', async () => {
    const other = await ensureDevKeySet(mkdtempSync(path.join(tmpdir(), 'auth-other-')));
    const token = await signDevToken(other, { roles: ['operator'] });
    await expect(verifier.verify(token)).rejects.toThrow(TokenRejected);
  });

  it('refuses alg none and HMAC signed with the public key', async () => {
    const claims = { roles: ['operator'], sub: 'mallory' };
    const none = new UnsecuredJWT(claims).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE).setExpirationTime('1h').encode();
    await expect(verifier.verify(none)).rejects.toThrow(TokenRejected);
    const publicKeyText = readFileSync(keys.jwksFile);
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new Uint8Array(publicKeyText));
    await expect(verifier.verify(hmac)).rejects.toThrow(/accepted algorithm/);
  });

  it('refuses garbage and a token without sub', async () => {
    await expect(verifier.verify('not.a.jwt')).rejects.toThrow(TokenRejected);
    const jwk = JSON.parse(readFileSync(keys.signingKeyFile, 'utf8'));
    const noSub = await new SignJWT({ roles: ['operator'] })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime('1h')
      .sign(await importJWK(jwk, 'ES256'));
    await expect(verifier.verify(noSub)).rejects.toThrow(TokenRejected);
  });

  it('refuses a JWKS file holding a private or symmetric key', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, readFileSync(keys.signingKeyFile, 'utf8').replace(/^/, '{"keys":[').replace(/\s*$/, ']}'));
    expect(() => readKeySetFile(file)).toThrow(/private or symmetric/);
    writeFileSync(file, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
    expect(() => readKeySetFile(file)).toThrow(/private or symmetric/);
    expect(() => readKeySetFile(path.join(dir, 'missing.json'))).toThrow(ConfigError);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['12h', 43_200],
    ['7d', 604_800],
  ])('%s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['', '0', 'h', '1w', '-5m', '1.5h'])('refuses %p', (text) => expect(parseDuration(text)).toBeUndefined());
});
