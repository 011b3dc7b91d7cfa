import type { Command } from 'commander';
import { presetTable } from '../config/presets.ts';

/** `axisguard presets`: the role presets as README lists them, and how they layer. */
export function registerPresetsCommand(program: Command): void {
  program
    .command('presets')
    .description('print the breaker presets by axis role (preset: on an axis or in defaults:)')
    .action(() => {
      process.stdout.write(
        `${presetTable()}\n\n` +
          "Choose one with `preset: <name>` on an axis or in `defaults:`. Layers, nearest first: the axis's own keys, its preset, `defaults:`, the built-in values.\n" +
          '`axisguard run <config> --check-config` prints the values every axis ends up with.\n',
      );
    });
}
