/**
 * Dead-letter tooling for operators (design.md "Operability"):
 *
 *   npm run -s dlt -- list [--topic T] [--limit N] [--json]
 *   npm run -s dlt -- show <topic> <partition> <offset>
 *   npm run -s dlt -- replay <topic> <partition> <offset> [--payload fixed.json]
 *
 * <topic> is the dead-letter topic or the topic it belongs to (`telephony.call-started` and
 * `telephony.call-started.dlt` name the same). The broker is $KAFKA_BROKERS (or --brokers),
 * the namespace $KAFKA_TOPIC_PREFIX (or --topic-prefix), as for the services.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { DeadLetterTool, deadLetterFacts, readablePayload } from '@comms-credits/messaging';

const HELP = `dlt — inspect and replay dead letters

  list [--topic T] [--limit N] [--json]     every dead letter (of T), oldest first
  show <topic> <partition> <offset>         one dead letter: headers and payload
  replay <topic> <partition> <offset> [--payload FILE]
                                            republish it to its original topic with its key
                                            (and FILE as the corrected payload)

options: --brokers host:port (default $KAFKA_BROKERS or 127.0.0.1:9092)
         --topic-prefix P   (default $KAFKA_TOPIC_PREFIX or none)
`;

export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      topic: { type: 'string' },
      limit: { type: 'string' },
      payload: { type: 'string' },
      json: { type: 'boolean', default: false },
      brokers: { type: 'string' },
      'topic-prefix': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, topic, partition, offset] = positionals;
  if (values.help || !command) {
    out(HELP);
    return command || values.help ? 0 : 2;
  }
  const brokers = (values.brokers ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const prefix = values['topic-prefix'] ?? process.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const kafka = new Kafka({ clientId: 'dlt-tool', brokers, logLevel: logLevel.ERROR, retry: { retries: 3 } });
  const tool = new DeadLetterTool(kafka, prefix);

  const place = () => {
    if (!topic || partition === undefined || offset === undefined || !/^\d+$/.test(partition) || !/^\d+$/.test(offset)) {
      throw new UsageError(`${command} needs <topic> <partition> <offset>`);
    }
    return [topic, Number(partition), offset] as const;
  };

  switch (command) {
    case 'list': {
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const letters = await tool.list({ topic: values.topic, limit });
      if (values.json) {
        for (const letter of letters) out(JSON.stringify(deadLetterFacts(letter)));
        return 0;
      }
      if (letters.length === 0) {
        out(values.topic ? `no dead letters on ${tool.deadLetterTopicOf(values.topic)}` : 'no dead letters');
        return 0;
      }
      out(['TOPIC', 'PARTITION', 'OFFSET', 'REASON', 'CONSUMER', 'FAILED AT', 'ERROR'].join('\t'));
      for (const l of letters) {
        out([l.topic, l.partition, l.offset, l.reason, l.consumer, l.failedAt, oneLine(l.error, 100)].join('\t'));
      }
      out(`${letters.length} dead letter(s)`);
      return 0;
    }
    case 'show': {
      const letter = await tool.show(...place());
      if (!letter) {
        out(`no dead letter at ${tool.deadLetterTopicOf(topic!)} partition ${partition} offset ${offset}`);
        return 1;
      }
      out(JSON.stringify({ ...deadLetterFacts(letter), headers: letter.headers, value: readablePayload(letter.value) }, null, 2));
      return 0;
    }
    case 'replay': {
      const value = values.payload === undefined ? undefined : readFileSync(values.payload);
      const result = await tool.replay(...place(), value);
      out(
        `replayed ${tool.deadLetterTopicOf(topic!)}/${partition}/${offset} to ${result.topic} partition ${result.partition} offset ${result.offset}${value ? ` with the payload of ${values.payload}` : ''}`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

class UsageError extends Error {}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`dlt: ${(error as Error).message}\n`);
      if (error instanceof UsageError) process.stderr.write(HELP);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
