/** `npm run -s token -- --role operator`: one bearer token for the local stack on stdout (see token-cli.ts). */
import { runTokenCli } from './token-cli';

runTokenCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`token: ${error.message}\n`);
    process.exitCode = 1;
  },
);
