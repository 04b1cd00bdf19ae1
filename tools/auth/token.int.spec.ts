import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';

describe('npm run -s token (the real command)', () => {
  it('prints exactly one token line on stdout', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'token-int-'));
    const stdout = execFileSync('npm', ['run', '-s', 'token', '--', '--role', 'tenant-reader', '--tenant', 'contoso', '--dir', dir], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(stdout.split('\n')).toHaveLength(2);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(decodeJwt(stdout.trim())).toMatchObject({ roles: ['tenant-reader'], tid: 'contoso' });
  }, 60_000);
});
