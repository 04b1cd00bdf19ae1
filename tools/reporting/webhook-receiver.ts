/**
 * `npm run webhook-receiver -- --secret whsec_… [--port 4000]`: a local webhook receiver for the
 * walkthrough. It prints every delivery and whether its Standard Webhooks signature verifies
 * (with the same library the reporting service signs with), and answers 204 (401 if it does not).
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const { values } = parseArgs({ options: { secret: { type: 'string' }, port: { type: 'string', default: '4000' }, fail: { type: 'string', default: '0' } } });
const secret = values.secret ?? process.env['WEBHOOK_SECRET'];
if (!secret) {
  process.stderr.write('webhook-receiver: --secret whsec_… (the secret PUT /tenants/{t}/webhooks/{id} answered) is required\n');
  process.exit(2);
}
const verifier = new Webhook(secret);
let failFirst = Number(values.fail);

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let verdict: string;
    let status = 204;
    try {
      verifier.verify(body, headers);
      verdict = 'signature OK';
    } catch (error) {
      verdict = `signature REJECTED (${(error as Error).message})`;
      status = 401;
    }
    if (status === 204 && failFirst > 0) {
      failFirst -= 1;
      status = 503;
      verdict += `, answering 503 on purpose (${failFirst} more)`;
    }
    process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${headers['webhook-id']} ${verdict}\n  ${body}\n`);
    res.writeHead(status).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`webhook-receiver listening on http://127.0.0.1:${values.port}/hook (--fail N answers 503 to the first N)\n`);
});
