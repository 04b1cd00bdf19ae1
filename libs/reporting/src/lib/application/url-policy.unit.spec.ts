import { checkWebhookUrl, isPrivateAddress } from './url-policy';

describe('webhook URLs (SSRF stance)', () => {
  it('production: https to public hosts only', () => {
    expect(checkWebhookUrl('https://hooks.example.com/x', false).ok).toBe(true);
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/',
      'https://169.254.169.254/latest',
      'https://[::1]/',
      'https://localhost:8080/',
      'https://user:pw@example.com/',
      'ftp://example.com/',
    ]) {
      expect([url, checkWebhookUrl(url, false).ok]).toEqual([url, false]);
    }
  });

  it('development and tests: http and private addresses', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', true).ok).toBe(true);
    expect(checkWebhookUrl('not a url', true).ok).toBe(false);
  });

  it('private ranges, v4 and v6 and v4-mapped', () => {
    expect(
      ['10.0.0.1', '172.16.5.5', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'].every(
        isPrivateAddress,
      ),
    ).toBe(true);
    expect(['8.8.8.8', '2606:4700::1111', '172.32.0.1'].some(isPrivateAddress)).toBe(false);
  });
});
