import { Command, CommanderError } from 'commander';
import { errorMessage } from '../core/errors.js';
import { registerCommands } from './commands/index.js';

/** Builds the `vigil` program; exported so tests can drive it without a subprocess. */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil: self-hosted security operations (collect, detect with Sigma, hunt, triage, respond)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code (0 success, 1 failure or findings, 2 usage). */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`vigil: ${errorMessage(err)}\n`);
    return 1;
  }
}
