/**
 * The chaos suite's own infrastructure: a private PostgreSQL cluster (initdb into a temporary
 * directory, on a free port) and a private Kafka broker (infra/kafka/kafka.sh with its own
 * state directory, on free ports). Restarting either never touches anybody else's servers: the
 * shared PostgreSQL on 5432 and other people's brokers are left alone.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const PG_BIN = process.env['CHAOS_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1 (the kernel's pick; released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(command, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, out });
    });
    child.on('error', (error) => resolve({ code: null, out: `${out}${error.message}` }));
  });
}

// ── PostgreSQL ────────────────────────────────────────────────────────────────────────────────

/**
 * A throw-away PostgreSQL cluster. PostgreSQL refuses to run as root: as root, its files belong
 * to the `postgres` user and its commands run through `runuser`.
 */
export class PrivatePostgres {
  readonly dataDir: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'pgdata');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  private command(binary: string, args: string[]): [string, string[]] {
    const full = path.join(PG_BIN, binary);
    return this.asRoot ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
  }

  async init(): Promise<void> {
    if (!existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`no PostgreSQL server binaries in ${PG_BIN} (set CHAOS_PG_BIN)`);
    mkdirSync(this.dir, { recursive: true });
    if (this.asRoot) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root needs a "postgres" user to run PostgreSQL as');
      // mkdtemp makes the run directory 0700: the postgres user must be able to pass through it.
      chmodSync(path.dirname(this.dir), 0o711);
      chownSync(this.dir, uid, gid);
      chmodSync(this.dir, 0o700);
    }
    const [cmd, args] = this.command('initdb', ['-D', this.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const result = await run(cmd, args, { timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`initdb failed:\n${result.out}`);
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${this.dir}'`,
      '-c max_connections=400',
      '-c fsync=off', // a process crash (stop -m immediate) still recovers from the WAL; only an OS crash would need fsync
      '-c full_page_writes=off',
      '-c shared_buffers=128MB',
    ].join(' ');
    const [cmd, args] = this.command('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', path.join(this.dir, 'postgres.log'), '-w', '-t', '120', 'start']);
    const result = await run(cmd, args, { timeoutMs: 150_000 });
    if (result.code !== 0) throw new Error(`pg_ctl start failed:\n${result.out}\n${this.logTail()}`);
  }

  /** `immediate`: the server is killed without a checkpoint and recovers from its WAL at the next start (a crash). */
  async stop(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    const [cmd, args] = this.command('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    await run(cmd, args, { timeoutMs: 90_000 });
  }

  /** Synchronous last resort (process exit): stop the server if it runs. */
  stopSync(): void {
    if (!existsSync(path.join(this.dataDir, 'postmaster.pid'))) return;
    const [cmd, args] = this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    spawnSync(cmd, args, { stdio: 'ignore', timeout: 40_000 });
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(path.join(this.dir, 'postgres.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

// ── Kafka ─────────────────────────────────────────────────────────────────────────────────────

/** A broker of infra/kafka/kafka.sh whose state (pid, config, data) lives in our own directory. */
export class PrivateKafka {
  port = 0;
  controllerPort = 0;

  constructor(readonly stateRoot: string) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private env(): NodeJS.ProcessEnv {
    // KAFKA_PORT & co. from the caller's environment must not leak into our broker.
    const { KAFKA_PORT: _p, KAFKA_CONTROLLER_PORT: _c, ...env } = process.env;
    // kafka.sh waits for an API-versions answer from a second JVM: on a loaded machine that alone
    // can take a minute, so the start timeout is generous (kafka.sh stops a broker that misses it).
    return { ...env, COMMS_CREDITS_STATE: this.stateRoot, KAFKA_START_TIMEOUT: process.env['KAFKA_START_TIMEOUT'] ?? '300' };
  }

  /** First start: free ports; later starts (a restart) reuse them, so the clients' bootstrap address stays valid. */
  async start(): Promise<void> {
    if (!this.port) {
      this.port = await freePort();
      do this.controllerPort = await freePort();
      while (this.controllerPort === this.port);
    }
    const args = ['infra/kafka/kafka.sh', 'start', '--port', String(this.port), '--controller-port', String(this.controllerPort)];
    let result = { code: null as number | null, out: '' };
    for (let attempt = 1; attempt <= 2; attempt++) {
      result = await run('bash', args, { env: this.env(), timeoutMs: 360_000 });
      if (result.code === 0 && result.out.includes('KAFKA_BROKERS=')) return;
    }
    throw new Error(`kafka.sh start failed twice:\n${result.out}`);
  }

  /** kafka.sh stop: SIGTERM (a controlled shutdown), SIGKILL after its timeout. */
  async stop(): Promise<void> {
    await run('bash', ['infra/kafka/kafka.sh', 'stop'], { env: this.env(), timeoutMs: 120_000 });
  }

  /** Synchronous last resort: SIGKILL the broker this state directory started, if it still runs. */
  stopSync(): void {
    const pidFile = path.join(this.stateRoot, 'kafka', 'kafka.pid');
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('kafka.Kafka')) process.kill(pid, 'SIGKILL');
    } catch {
      /* not running */
    }
  }

  logTail(lines = 20): string {
    try {
      const data = readFileSync(path.join(this.stateRoot, 'kafka', 'data-dir'), 'utf8').trim();
      return readFileSync(path.join(data, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}
