import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DevKeySet, TokenRequest, ensureDevKeySet, signDevToken } from '@comms-credits/platform';

/**
 * Every test system trusts a key set made for this test process (a fresh key pair and JWKS
 * file in a temporary directory), and the helpers sign tokens with it: `http` and
 * `system.get` send an operator token unless told otherwise.
 */
let keys: Promise<DevKeySet> | undefined;

export function testKeySet(): Promise<DevKeySet> {
  keys ??= ensureDevKeySet(path.join(mkdtempSync(path.join(tmpdir(), 'comms-credits-auth-')), 'keys'));
  return keys;
}

/** A bearer token for the test systems of this process. */
export async function testToken(request: TokenRequest): Promise<string> {
  return signDevToken(await testKeySet(), request);
}

let operator: { token: string; until: number } | undefined;

/** The default token of the helpers: `operator`, sub `test-operator`. */
export async function operatorToken(): Promise<string> {
  if (!operator || operator.until < Date.now()) {
    operator = { token: await testToken({ roles: ['operator'], sub: 'test-operator', ttlSeconds: 3600 }), until: Date.now() + 50 * 60_000 };
  }
  return operator.token;
}

/** Headers that send a token of the given roles: `http('GET', url, undefined, await asRole({ roles: ['tenant-reader'], tenant: 'contoso' }))`. */
export async function asRole(request: TokenRequest): Promise<Record<string, string>> {
  return bearer(await testToken(request));
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Headers for a request without any token: `http('GET', url, undefined, ANONYMOUS)`. */
export const ANONYMOUS: Readonly<Record<string, string>> = Object.freeze({ authorization: '' });

/**
 * The headers to send: the caller's, with the operator token unless they set `authorization`
 * (an empty one means none at all).
 */
export async function withDefaultToken(headers: Record<string, string>): Promise<Record<string, string>> {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
  if (key === undefined) return { ...headers, ...bearer(await operatorToken()) };
  if (headers[key] !== '') return headers;
  const { [key]: _none, ...rest } = headers;
  return rest;
}
