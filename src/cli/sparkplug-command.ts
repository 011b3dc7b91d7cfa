import type { Command } from 'commander';
import { EXIT_ERROR } from './exit-codes.ts';

/** `axisguard sparkplug watch|send`: try a line's Sparkplug edge node from a shell (see README "Plant-wide"). */
export function registerSparkplugCommand(program: Command): void {
  const sparkplug = program.command('sparkplug').description("watch a line's Sparkplug B messages decoded, or send it a host command");
  sparkplug
    .command('watch')
    .description('print every Sparkplug message on the broker, one line each, until Ctrl-C')
    .argument('<broker>', 'broker URL, e.g. mqtt://127.0.0.1:1883')
    .option('--group <id>', 'only this Sparkplug group')
    .action(async (broker: string, opts: { group?: string }) => {
      const { watchSparkplug } = await import('../sparkplug/host-tool.ts');
      const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await watchSparkplug(broker, opts.group, (line) => process.stdout.write(`${line}\n`), interrupted);
    });
  sparkplug
    .command('send')
    .description('send one command metric, e.g. `send mqtt://127.0.0.1:1883 axisguard/demo-line/pickA Command/Hold true`')
    .argument('<broker>', 'broker URL')
    .argument('<target>', 'group/node (a node command, NCMD) or group/node/axis (an axis command, DCMD)')
    .argument(
      '<metric>',
      'Command/Hold, Command/Release, Command/Reset (axis); Command/Queue Job, Command/Resume Job, Node Control/Rebirth (node)',
    )
    .argument('<value>', 'true or false (Boolean), else a String: a job as JSON, a job id')
    .action(async (broker: string, target: string, metric: string, value: string) => {
      const { sendSparkplugCommand } = await import('../sparkplug/host-tool.ts');
      try {
        const topic = await sendSparkplugCommand(broker, target, metric, value);
        process.stdout.write(`sent ${metric}=${value} on ${topic}; the line journals what it did with it (host_command)\n`);
      } catch (error) {
        process.stderr.write(`axisguard sparkplug send: ${(error as Error).message}\n`);
        process.exitCode = EXIT_ERROR;
      }
    });
}
