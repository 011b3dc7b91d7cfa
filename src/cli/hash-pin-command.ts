import type { Command } from 'commander';
import { hashPin, whyNotAPin } from '../console/pin-hash.ts';

const ENTER = new Set([0x0d, 0x0a]);
const ERASE = new Set([0x7f, 0x08]);
const CTRL_C = 0x03;

/** Reads one line from a terminal without echo; undefined on Ctrl-C. */
function readHidden(stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  return new Promise((resolve) => {
    const done = (value: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const byte of chunk) {
        if (byte === CTRL_C) return done(undefined);
        if (ENTER.has(byte)) return done(typed);
        if (ERASE.has(byte)) typed = typed.slice(0, -1);
        else typed += String.fromCharCode(byte);
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line of a piped stdin. */
async function readFirstLine(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * `axisguard hash-pin [--name NAME]`: reads a PIN (twice, without echo, on a terminal; else the
 * first line of stdin) and prints the line to paste under `console.operators`. Exit 1 when the PIN
 * is not acceptable or the two entries differ.
 */
export async function runHashPin(
  name: string | undefined,
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  let pin: string | undefined;
  if (stdin.isTTY) {
    pin = await readHidden(stdin, stderr, 'PIN: ');
    if (pin !== undefined && pin !== (await readHidden(stdin, stderr, 'again: '))) {
      stderr.write('axisguard hash-pin: the two entries differ; nothing printed\n');
      return 1;
    }
  } else {
    pin = await readFirstLine(stdin);
  }
  if (pin === undefined) return 130;
  const why = whyNotAPin(pin);
  if (why) {
    stderr.write(`axisguard hash-pin: not a usable PIN: ${why}\n`);
    return 1;
  }
  const hash = await hashPin(pin);
  stdout.write(name === undefined ? `pinHash: "${hash}"\n` : `- { name: ${name}, pinHash: "${hash}" }\n`);
  return 0;
}

/** Adds `axisguard hash-pin` to the program. */
export function registerHashPinCommand(program: Command): void {
  program
    .command('hash-pin')
    .description('read an operator PIN from stdin and print its salted scrypt hash for console.operators')
    .option('--name <name>', 'print a whole operators entry for this name')
    .action(async (opts: { name?: string }) => {
      process.exitCode = await runHashPin(opts.name, process.stdin, process.stdout, process.stderr);
    });
}
