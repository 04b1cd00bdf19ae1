import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const workspaceRoot = resolve(__dirname, '../../../../..');

export interface Worker {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Runs counting-worker.ts in its own Node process (so SIGKILL is real). */
export function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'counting-worker.ts')], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolveExit) => child.on('exit', (code, signal) => resolveExit(signal ?? code ?? 0)));
  return { process: child, output: () => output, exited };
}
