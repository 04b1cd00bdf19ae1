import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { creditWalletService } from '@comms-credits/credit-wallet';
import { dialoutPolicyService } from '@comms-credits/dialout-policy';
import { licensingService } from '@comms-credits/licensing';
import { poolLedgerService } from '@comms-credits/pool-ledger';
import { ServiceDefinition } from '@comms-credits/platform';
import { tollFreeService } from '@comms-credits/toll-free';
import { Browser, Page, chromium } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../../..');
/** Screenshots of every page the tests visit (CI keeps the folder as an artifact). */
export const OUTPUT_DIR = path.join(ROOT, 'test-output/ops-console');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The services of the running system; the reporting service too once its library exports a
 * service definition (it is being built beside the console: the tests of the usage page then run
 * against it, and until then they check that its absence reads as a clear message).
 */
export function systemServices(): ServiceDefinition[] {
  const services: ServiceDefinition[] = [licensingService, dialoutPolicyService, poolLedgerService, creditWalletService, tollFreeService];
  const reporting = reportingService();
  return reporting ? [...services, reporting] : services;
}

function reportingService(): ServiceDefinition | undefined {
  if (!existsSync(path.join(ROOT, 'libs/reporting/src/index.ts'))) return undefined;
  const name = '@comms-credits/reporting';
  const exports = require(name) as Record<string, unknown>;
  return Object.values(exports).find(
    (v): v is ServiceDefinition => !!v && typeof v === 'object' && (v as ServiceDefinition).name === 'reporting' && 'module' in (v as object),
  );
}

/** Builds the console into a temporary folder (never over the dist/ a running `npm start` serves). */
export function buildConsole(): string {
  const outDir = mkdtempSync(path.join(tmpdir(), 'ops-console-'));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'apps/ops-console/vite.config.mts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return outDir;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

export const SERVICE_NAMES = ['licensing', 'dialout-policy', 'pool-ledger', 'credit-wallet', 'toll-free', 'reporting'];

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The console server as `npm start` runs it (apps/ops-console/server/main.ts, a child process)
 * on a free port, serving `staticDir` and passing /api/<service> to the given URLs.
 */
export async function startConsole(staticDir: string, services: Record<string, string>): Promise<ConsoleServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', CONSOLE_DIST: staticDir };
  for (const [name, url] of Object.entries(services)) env[`${name.toUpperCase().replace(/-/g, '_')}_URL`] = url;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/ops-console/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      const match = /ops-console is up: (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the console server exited (${code}) before it was up:\n${output.join('\n')}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
