import { canEdit, canRead, homeOf, sessionFromToken } from './session';

const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const NOW = Date.parse('2026-11-24T10:00:00Z');
const exp = NOW / 1000 + 3600;

describe('the session from a token', () => {
  it('reads an operator and a tenant reader', () => {
    const op = sessionFromToken(`Bearer ${jwt({ sub: 'dev-operator', roles: ['operator'], exp })}`, NOW);
    expect(op).toMatchObject({ ok: true, session: { sub: 'dev-operator', roles: ['operator'], tenant: null, expiresAt: exp * 1000 } });
    if (!op.ok) throw new Error();
    expect(homeOf(op.session)).toBe('/tenants');
    expect(canEdit(op.session, 'contoso')).toBe(true);

    const reader = sessionFromToken(jwt({ sub: 'r', roles: ['tenant-reader', 'something-else'], tid: 'contoso', exp }), NOW);
    if (!reader.ok) throw new Error(reader.error);
    expect(reader.session.roles).toEqual(['tenant-reader']);
    expect(homeOf(reader.session)).toBe('/tenants/contoso');
    expect(canRead(reader.session, 'contoso')).toBe(true);
    expect(canRead(reader.session, 'fabrikam')).toBe(false);
    expect(canEdit(reader.session, 'contoso')).toBe(false);

    const admin = sessionFromToken(jwt({ sub: 'a', roles: ['tenant-admin'], tid: 'contoso', exp }), NOW);
    if (!admin.ok) throw new Error(admin.error);
    expect(canEdit(admin.session, 'contoso')).toBe(true);
    expect(canEdit(admin.session, 'fabrikam')).toBe(false);
  });

  it.each([
    ['not-a-token', /not a bearer token/],
    [jwt({ roles: ['admin'] }), /none of the roles/],
    [jwt({ roles: ['operator'], exp: NOW / 1000 - 1 }), /expired/],
    [jwt({ roles: ['tenant-admin'] }), /must name its tenant/],
    ['a.!!!.c', /not a bearer token/],
  ])('refuses %s readably', (token, error) => {
    const result = sessionFromToken(token, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});
