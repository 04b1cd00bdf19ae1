import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AclEntry, Kafka, KafkaConfig, SASLOptions, logLevel } from 'kafkajs';
import { eventually } from './eventually';
import { freePort } from './test-infrastructure';

const run = promisify(execFile);
const workspaceRoot = resolve(__dirname, '../../../..');

export type SaslMechanism = 'scram-sha-256' | 'scram-sha-512' | 'plain';

/** A principal of the test broker: SCRAM users are added at format time, PLAIN users in the listener's JAAS. */
export interface KafkaUser {
  name: string;
  password: string;
  mechanism: SaslMechanism;
}

export interface SecureKafkaOptions {
  users: KafkaUser[];
  /** StandardAuthorizer with `allow.everyone.if.no.acl.found=false`: nothing but the admin may do anything without an ACL. */
  authorizer?: boolean;
}

/** A single-node broker whose only client listener is SASL_SSL (see `startSecureKafka`). */
export interface SecureKafka {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  brokers: string;
  /** PEM of the test CA that signed the broker's certificate (what `KAFKA_SSL_CA_FILE` names). */
  caFile: string;
  /** The super user (SCRAM-SHA-512): creates topics and ACLs. */
  admin: KafkaUser;
  /** The service settings of a user: `KAFKA_BROKERS`, `KAFKA_SSL`, `KAFKA_SSL_CA_FILE`, `KAFKA_SASL_*`. */
  settingsOf(user: KafkaUser): Record<string, string>;
  /** kafkajs `ssl` and `sasl` options of a user: TLS trusting the test CA, SASL. */
  securityOf(user: KafkaUser): Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** A kafkajs client of a user (TLS, the test CA, SASL). */
  client(user: KafkaUser, clientId?: string): Kafka;
  /** The broker's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Maven-fetched broker of `infra/kafka` (Kafka 3.9.2, one KRaft node in combined
 * mode) with TLS and SASL, on free ports, in a temporary directory removed by `stop()`:
 *
 * - a self-signed CA and a broker certificate for `127.0.0.1`/`localhost`, made with the JDK's
 *   `keytool` (PKCS#12 key and trust stores; the CA exported as PEM for kafkajs);
 * - listener `SASL_SSL` for clients and between brokers (SCRAM-SHA-256, SCRAM-SHA-512 and
 *   PLAIN; the admin talks SCRAM-SHA-512), and `CONTROLLER` as SASL_PLAINTEXT/PLAIN on
 *   127.0.0.1 for the node's own controller traffic; no plaintext listener at all;
 * - SCRAM users added at format time (`kafka-storage format --add-scram`), PLAIN users in the
 *   listener's JAAS configuration;
 * - optionally the StandardAuthorizer, `allow.everyone.if.no.acl.found=false`, `User:admin` the
 *   only super user.
 *
 * The JVM is watched by a shell that kills it when this process dies, so a crashed test run
 * leaves no broker behind.
 */
export async function startSecureKafka(options: SecureKafkaOptions): Promise<SecureKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'comms-credits-sasl-kafka-'));
  let broker: ChildProcess | undefined;
  const stop = async () => {
    if (broker && broker.exitCode === null && broker.signalCode === null) {
      const exited = new Promise<void>((done) => broker!.once('exit', () => done()));
      broker.kill('SIGTERM'); // the watchdog shell kills the JVM (SIGKILL: a throwaway broker) and exits
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
    }
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = () => broker?.kill('SIGTERM');
  const began = Date.now();
  const step = (what: string) => process.env['SECURE_KAFKA_DEBUG'] && process.stderr.write(`secure-kafka: ${what} at ${Date.now() - began} ms\n`);
  try {
    const secret = () => randomBytes(12).toString('hex');
    const admin: KafkaUser = { name: 'admin', password: secret(), mechanism: 'scram-sha-512' };
    const storePassword = secret();
    const { stdout } = await run('bash', [join(workspaceRoot, 'infra/kafka/kafka.sh'), 'libs'], { timeout: 600_000 });
    const libs = stdout.trim().split('\n').pop()!;
    step('jars');
    const certificates = makeCertificates(dir, storePassword);
    certificates.catch(() => undefined); // awaited below, after the storage is formatted

    const [port, controllerPort] = await twoFreePorts();
    const users = [admin, ...options.users];
    const plain = users.filter((u) => u.mechanism === 'plain' || u === admin);
    const jaasPlain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.name}" password="${admin.password}" ${plain
      .map((u) => `user_${u.name}="${u.password}"`)
      .join(' ')};`;
    const properties = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port}`,
      'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT',
      'inter.broker.listener.name=SASL_SSL',
      'controller.listener.names=CONTROLLER',
      // SASL: SCRAM users live in the cluster metadata, PLAIN users in the JAAS line.
      'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.name}" password="${admin.password}";`,
      `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaasPlain}`,
      'sasl.mechanism.controller.protocol=PLAIN',
      'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
      `listener.name.controller.plain.sasl.jaas.config=${jaasPlain}`,
      // TLS: the broker's key store; its trust store holds the test CA (its own client side).
      `ssl.keystore.location=${join(dir, 'broker.p12')}`,
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.password=${storePassword}`,
      `ssl.truststore.location=${join(dir, 'truststore.p12')}`,
      'ssl.truststore.type=PKCS12',
      `ssl.truststore.password=${storePassword}`,
      'ssl.client.auth=none',
      ...(options.authorizer
        ? [
            'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
            'allow.everyone.if.no.acl.found=false',
            `super.users=User:${admin.name}`,
          ]
        : []),
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=2',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
    ];
    const config = join(dir, 'server.properties');
    writeFileSync(config, properties.join('\n') + '\n', { mode: 0o600 });
    writeFileSync(
      join(dir, 'log4j.properties'),
      [
        'log4j.rootLogger=INFO, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        'log4j.logger.state.change.logger=WARN',
        'log4j.logger.kafka.authorizer.logger=INFO',
      ].join('\n') + '\n',
    );

    const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin/java') : 'java';
    const log4j = `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`;
    const scram = options.users
      .filter((u) => u.mechanism !== 'plain')
      .concat(admin)
      .flatMap((u) => ['--add-scram', `${u.mechanism.toUpperCase()}=[name=${u.name},password=${u.password}]`]);
    const clusterId = randomBytes(16).toString('base64url').replace(/^-/, 'A');
    await run(
      java,
      [
        '-Xmx256m',
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        log4j,
        '-cp',
        `${libs}/*`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        config,
        ...scram,
      ],
      {
        timeout: 60_000,
      },
    );

    const caFile = await certificates;
    step('certificates and storage');
    const logFile = join(dir, 'server.log');
    writeFileSync(logFile, '');
    // The watchdog: the broker dies with this process (kill -0 on our pid once a second).
    const jvm = [
      java,
      '-Xms128m',
      '-Xmx384m',
      '-XX:+UseSerialGC',
      '-Xshare:auto',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      log4j,
      '-cp',
      `'${libs}/*'`,
      'kafka.Kafka',
      config,
    ]
      .map((a) => (a.startsWith("'") ? a : `'${a}'`))
      .join(' ');
    broker = spawn(
      'bash',
      [
        '-c',
        `${jvm} >>'${logFile}' 2>&1 & j=$!; trap 'kill -9 $j 2>/dev/null; exit 0' TERM INT HUP; while kill -0 ${process.pid} 2>/dev/null && kill -0 $j 2>/dev/null; do sleep 1; done; kill -9 $j 2>/dev/null`,
      ],
      { stdio: 'ignore' },
    );
    process.once('exit', killOnExit);

    const brokers = `127.0.0.1:${port}`;
    // What libs/messaging's kafkaSecurityOptions makes of the settings (not imported: messaging's tests import this library).
    const ca = readFileSync(caFile, 'utf8');
    const securityOf = (user: KafkaUser): Pick<KafkaConfig, 'ssl' | 'sasl'> => ({
      ssl: { ca: [ca] },
      sasl: { mechanism: user.mechanism, username: user.name, password: user.password } as SASLOptions,
    });
    const client = (user: KafkaUser, clientId = `test-${user.name}`) =>
      new Kafka({
        clientId,
        brokers: [brokers],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 5_000,
        retry: { retries: 3, initialRetryTime: 200 },
        ...securityOf(user),
      });
    const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

    await eventually(
      async () => {
        if (broker!.exitCode !== null) throw new Error(`the broker exited:\n${readLog().slice(-4_000)}`);
        if (!readLog().includes('Kafka Server started')) throw new Error('not started yet');
        const probe = client(admin).admin();
        await probe.connect();
        try {
          await probe.describeCluster();
        } finally {
          await probe.disconnect();
        }
      },
      { timeoutMs: 90_000, intervalMs: 250, message: 'the SASL_SSL broker did not answer' },
    );
    step('answers');

    return {
      brokers,
      caFile,
      admin,
      settingsOf: (user) => ({
        KAFKA_BROKERS: brokers,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: caFile,
        KAFKA_SASL_MECHANISM: user.mechanism,
        KAFKA_SASL_USERNAME: user.name,
        KAFKA_SASL_PASSWORD: user.password,
      }),
      securityOf,
      client,
      log: readLog,
      stop,
    };
  } catch (error) {
    const log = join(dir, 'server.log');
    const tail = existsSync(log) ? `\n--- broker log ---\n${readFileSync(log, 'utf8').slice(-4_000)}` : '';
    await stop();
    if (error instanceof Error) error.message += tail;
    throw error;
  }
}

/**
 * A test CA and the broker's certificate, with `keytool` only: the CA (basic constraints CA),
 * the broker's key pair, a request signed by the CA for `localhost` and `127.0.0.1`, the chain
 * imported into the broker's key store, the CA into a trust store, and the CA as PEM.
 */
async function makeCertificates(dir: string, password: string): Promise<string> {
  const keytool = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin/keytool') : 'keytool';
  // Each keytool is a JVM start (seconds on a busy machine): independent steps run together.
  const jvm = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-J-Xmx64m'];
  const kt = (...args: string[]) => run(keytool, [...jvm, ...args, '-storepass', password, '-storetype', 'PKCS12', '-noprompt'], { cwd: dir, timeout: 60_000 });
  const ca = ['-keystore', 'ca.p12', '-alias', 'ca'];
  const broker = ['-keystore', 'broker.p12', '-alias', 'broker'];
  await Promise.all([
    kt('-genkeypair', ...ca, '-dname', 'CN=comms-credits test CA', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '2', '-ext', 'bc:c'),
    kt('-genkeypair', ...broker, '-dname', 'CN=localhost', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '2'),
  ]);
  await Promise.all([kt('-exportcert', '-rfc', ...ca, '-file', 'ca.pem'), kt('-certreq', ...broker, '-file', 'broker.csr')]);
  await Promise.all([
    kt(
      '-gencert',
      ...ca,
      '-infile',
      'broker.csr',
      '-outfile',
      'broker.pem',
      '-rfc',
      '-validity',
      '2',
      '-ext',
      'SAN=dns:localhost,ip:127.0.0.1',
      '-ext',
      'EKU=serverAuth',
    ),
    kt('-importcert', '-keystore', 'truststore.p12', '-alias', 'ca', '-file', 'ca.pem'),
  ]);
  // The CA's answer with the CA after it: keytool installs the whole chain in one step.
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'broker.pem'), 'utf8') + readFileSync(join(dir, 'ca.pem'), 'utf8'));
  await kt('-importcert', ...broker, '-trustcacerts', '-file', 'chain.pem');
  rmSync(join(dir, 'ca.p12')); // the CA's private key is not needed any more
  return join(dir, 'ca.pem');
}

async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const [a, b] = [await freePort(), await freePort()];
    if (a !== b) return [a, b];
  }
}

/**
 * The ACLs of a `kafka-acls.sh` script (docs/security.md's), as kafkajs entries: the script runs
 * in bash with `kafka-acls.sh` replaced by a function that prints its arguments, and each
 * `--add --allow-principal P --operation O… --topic T|--group G|--cluster` becomes one entry
 * per operation and resource (as kafka-acls does), topics and groups under `prefix`.
 */
export async function aclsOfScript(script: string, prefix = ''): Promise<AclEntry[]> {
  const { stdout } = await run('bash', ['-c', `set -e\nkafka-acls.sh() { printf '%s\\t' "$@"; echo; }\n${script}`], { timeout: 10_000 });
  const entries: AclEntry[] = [];
  for (const line of stdout.split('\n').filter((l) => l.includes('--add'))) {
    const args = line.split('\t').filter(Boolean);
    const values = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
    const [principal] = values('--allow-principal');
    if (!principal) throw new Error(`an ACL without --allow-principal: ${line}`);
    const resources: { type: number; name: string }[] = [
      ...values('--topic').map((name) => ({ type: 2, name: prefix + name })),
      ...values('--group').map((name) => ({ type: 3, name: prefix + name })),
      ...(args.includes('--cluster') ? [{ type: 4, name: 'kafka-cluster' }] : []),
    ];
    for (const operation of values('--operation')) {
      for (const resource of resources) {
        // kafka-acls puts a group's Read on the group, a topic's on the topic; Write, Describe,
        // IdempotentWrite… only on the resources they apply to.
        if (resource.type === 3 && operation !== 'Read' && operation !== 'Describe') continue;
        if (resource.type === 4 && operation !== 'IdempotentWrite') continue;
        entries.push({
          resourceType: resource.type,
          resourceName: resource.name,
          resourcePatternType: 3, // LITERAL
          principal,
          host: '*',
          operation: OPERATIONS[operation] ?? unknownOperation(operation),
          permissionType: 3, // ALLOW
        });
      }
    }
  }
  return entries;
}

const OPERATIONS: Record<string, number> = {
  All: 2,
  Read: 3,
  Write: 4,
  Create: 5,
  Delete: 6,
  Alter: 7,
  Describe: 8,
  ClusterAction: 9,
  DescribeConfigs: 10,
  AlterConfigs: 11,
  IdempotentWrite: 12,
};

function unknownOperation(name: string): never {
  throw new Error(`unknown ACL operation ${name}`);
}

/** The first ```sh block after a heading of a markdown file whose text includes `marker`. */
export function shellBlockOf(markdown: string, marker: string): string {
  const start = markdown.indexOf(marker);
  if (start < 0) throw new Error(`${marker} not found`);
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (!block) throw new Error(`no sh block after ${marker}`);
  return block[1]!;
}
