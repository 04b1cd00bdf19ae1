/**
 * Two instances of every service, each its own `node dist/apps/<service>/…/main.js` process
 * (built and started the way tools/up.mjs does it), in the service's one consumer group and on
 * its one database. The fleet SIGKILLs and restarts them and watches their readiness.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import path from 'node:path';
import { ROOT, freePort } from './infra';

/** The services, with the default ports of tools/up.mjs (only their names matter here). */
export const SERVICE_NAMES = ['licensing', 'dialout-policy', 'pool-ledger', 'credit-wallet', 'toll-free', 'reporting'] as const;

/**
 * The consumer groups each service runs: its main group (what admissions wait on) and/or its
 * bookkeeping group (`<service>.bookkeeping`: the call log, settlement, facts learned for later).
 * dialout-policy has no main group since session 9: it screens only the calls licensing refers
 * to it, read with its gathering group (docs/architecture.md, "Admission in fewer hops").
 */
export const SERVICE_GROUPS: Record<(typeof SERVICE_NAMES)[number], readonly string[]> = {
  licensing: ['licensing', 'licensing.bookkeeping'],
  'dialout-policy': ['dialout-policy.bookkeeping'],
  'pool-ledger': ['pool-ledger', 'pool-ledger.bookkeeping'],
  'credit-wallet': ['credit-wallet', 'credit-wallet.bookkeeping'],
  'toll-free': ['toll-free', 'toll-free.bookkeeping'],
  reporting: ['reporting'],
};
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const mainJs = (service: string) => path.join(ROOT, 'dist/apps', service, 'apps', service, 'src/main.js');

export interface FleetSettings {
  brokers: string;
  postgresUrl: string;
  jwksFile: string;
  logDir: string;
  partitions: number;
  /** Extra settings for every instance (grant caps, grace, …). */
  extra: Record<string, string>;
}

export interface Exit {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  planned: boolean;
}

export class Instance {
  child?: ChildProcess;
  port = 0;
  startedAt = 0;
  readyAt = 0;
  /** Exits we did not cause (a process that gave up and exited for its supervisor). */
  readonly unplannedExits: Exit[] = [];
  private log?: WriteStream;
  private plannedKill = false;
  private exited?: Promise<void>;

  constructor(
    readonly service: ServiceName,
    readonly index: number,
    private readonly settings: FleetSettings,
    private readonly onUnplannedExit: (instance: Instance, exit: Exit) => void,
  ) {}

  get name(): string {
    return `${this.service}#${this.index}`;
  }

  /** The kafkajs client id: how the group's members are told apart. */
  get clientId(): string {
    return `chaos-${this.service}-${this.index}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    // A fresh port each start: the old one may linger in TIME_WAIT or be taken meanwhile.
    this.port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of [
      'PORT',
      'HOST',
      'DATABASE_URL',
      'KAFKA_GROUP_ID',
      'KAFKA_CLIENT_ID',
      'KAFKA_TOPIC_PREFIX',
      'KAFKA_BROKERS',
      'AUTH_JWKS_URL',
      'NODE_OPTIONS',
    ])
      delete env[key];
    Object.assign(env, {
      PORT: String(this.port),
      HOST: '127.0.0.1',
      DATABASE_URL: `${this.settings.postgresUrl}/comms_credits_${this.service.replace(/-/g, '_')}`,
      KAFKA_BROKERS: this.settings.brokers,
      KAFKA_GROUP_ID: this.service,
      KAFKA_CLIENT_ID: this.clientId,
      KAFKA_TOPIC_PARTITIONS: String(this.settings.partitions),
      AUTH_JWKS_FILE: this.settings.jwksFile,
      LOG_LEVEL: process.env['CHAOS_LOG_LEVEL'] ?? 'warn',
      ...this.settings.extra,
    });
    this.log ??= createWriteStream(path.join(this.settings.logDir, `${this.service}-${this.index}.log`), { flags: 'a' });
    this.log.write(`\n==== start ${new Date().toISOString()} port ${this.port}\n`);
    this.plannedKill = false;
    this.readyAt = 0;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [mainJs(this.service)], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.log?.write(`==== exit ${new Date().toISOString()} code ${code} signal ${signal}\n`);
        const exit = { at: Date.now(), code, signal, planned: this.plannedKill };
        if (!exit.planned && this.child === child) {
          this.unplannedExits.push(exit);
          this.onUnplannedExit(this, exit);
        }
        resolve();
      });
    });
  }

  /** SIGKILL, the whole process group (no goodbye to the group, the relay lock or the database). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child || !this.running) return;
    this.plannedKill = true;
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      this.child.kill(signal);
    }
    await this.exited;
  }

  /** SIGTERM with a grace period, then SIGKILL. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.child || !this.running) return;
    this.plannedKill = true;
    const timer = setTimeout(() => void this.kill('SIGKILL'), graceMs);
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
    await this.exited;
    clearTimeout(timer);
  }

  killSync(): void {
    if (!this.child || !this.running) return;
    this.plannedKill = true;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }

  async ready(): Promise<{ ok: boolean; body: string }> {
    if (!this.running) return { ok: false, body: 'not running' };
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      return { ok: response.status === 200, body };
    } catch (error) {
      return { ok: false, body: (error as Error).message };
    }
  }

  /** Waits until /health/ready answers 200; returns how long it took from the process start. */
  async waitReady(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready (see ${this.settings.logDir}/${this.service}-${this.index}.log)`);
      const check = await this.ready();
      if (check.ok) {
        this.readyAt = Date.now();
        return this.readyAt - this.startedAt;
      }
      last = check.body;
      await sleep(250);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms: ${last.slice(0, 400)}`);
  }

  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return response.text();
  }

  closeLog(): void {
    this.log?.end();
  }
}

export class Fleet {
  readonly instances: Instance[] = [];
  readonly unplanned: { instance: string; exit: Exit; restartedReadyMs?: number }[] = [];
  private stopping = false;

  constructor(
    readonly services: readonly ServiceName[],
    settings: FleetSettings,
    perService = 2,
  ) {
    for (const service of services) {
      for (let i = 1; i <= perService; i++) {
        this.instances.push(
          new Instance(service, i, settings, (instance, exit) => {
            // Like a supervisor (systemd, Kubernetes): a process that exited by itself is started again.
            const record: { instance: string; exit: Exit; restartedReadyMs?: number } = { instance: instance.name, exit };
            this.unplanned.push(record);
            if (this.stopping) return;
            void (async () => {
              await sleep(1_000);
              if (this.stopping) return;
              await instance.start();
              record.restartedReadyMs = await instance.waitReady(180_000).catch(() => undefined);
            })();
          }),
        );
      }
    }
  }

  of(service: ServiceName): Instance[] {
    return this.instances.filter((i) => i.service === service);
  }

  /** One instance of the service that answers (for the API calls of the set-up). */
  async any(service: ServiceName): Promise<Instance> {
    for (const instance of this.of(service)) if ((await instance.ready()).ok) return instance;
    return this.of(service)[0]!;
  }

  /**
   * Starts the first instance of every service together (each runs its own database's
   * migrations; the databases and topics exist already, see `prepare` in main.ts), then the
   * second ones together, once the first have migrated.
   */
  async start(timeoutMs: number): Promise<void> {
    const first = this.instances.filter((i) => i.index === 1);
    for (const instance of first) await instance.start();
    await Promise.all(first.map((i) => i.waitReady(timeoutMs)));
    const rest = this.instances.filter((i) => i.index > 1);
    for (const instance of rest) await instance.start();
    await Promise.all(rest.map((i) => i.waitReady(timeoutMs)));
  }

  async allReady(): Promise<boolean> {
    const checks = await Promise.all(this.instances.map((i) => i.ready()));
    return checks.every((c) => c.ok);
  }

  async notReady(): Promise<string[]> {
    const checks = await Promise.all(this.instances.map(async (i) => [i, await i.ready()] as const));
    return checks.filter(([, c]) => !c.ok).map(([i, c]) => `${i.name}: ${c.body.slice(0, 200)}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.instances.map((i) => i.stop()));
    this.instances.forEach((i) => i.closeLog());
  }

  killSync(): void {
    this.stopping = true;
    this.instances.forEach((i) => i.killSync());
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
