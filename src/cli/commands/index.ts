import type { Command } from 'commander';

/** Every command group registers itself here; one line per group. */
export function registerCommands(_program: Command): void {
  // command groups are added as they are built
}
