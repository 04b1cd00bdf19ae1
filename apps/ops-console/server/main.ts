/**
 * `node -r @swc-node/register apps/ops-console/server/main.ts`: serves the built console on
 * PORT (3000) and passes /api/<service>/… to the services. Settings (environment):
 *   PORT (3000), HOST (127.0.0.1), CONSOLE_DIST (dist/apps/ops-console),
 *   <SERVICE>_URL to move one service, e.g. REPORTING_URL=http://10.0.0.7:3006.
 */
import path from 'node:path';
import { DEFAULT_SERVICES, startConsoleServer } from './console-server';

async function main(): Promise<void> {
  const services = Object.fromEntries(
    Object.entries(DEFAULT_SERVICES).map(([name, url]) => [name, process.env[`${name.toUpperCase().replace(/-/g, '_')}_URL`] ?? url]),
  );
  const server = await startConsoleServer({
    port: Number(process.env['PORT'] ?? 3000),
    host: process.env['HOST'] ?? '127.0.0.1',
    staticDir: path.resolve(process.env['CONSOLE_DIST'] ?? path.join(__dirname, '../../../dist/apps/ops-console')),
    services,
  });
  process.stdout.write(`ops-console is up: ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`ops-console: failed to start: ${error.message}\n`);
  process.exit(1);
});
