/** `vigil user create`: adds a console user to a data folder; the password never appears on the command line. */
import type { Command } from 'commander';
import { createUserOffline } from '../../app/admin.js';
import { VigilError } from '../../core/errors.js';
import { USER_ROLES } from '../../api/permissions.js';
import { readSecret } from '../secret.js';

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage console users');
  user
    .command('create')
    .description('create a user (password from --password-stdin, or prompted without echo)')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--data <dir>', 'data folder', './data')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .action(async (opts: { username: string; role: string; data: string; passwordStdin?: boolean }) => {
      const password = await readSecret({ fromStdin: opts.passwordStdin === true, prompt: 'Password: ', confirm: 'Repeat password: ' });
      if (password === undefined) {
        throw new VigilError('cli.user.password', 'no password: use --password-stdin or run in a terminal to be prompted');
      }
      const created = await createUserOffline(opts.data, { username: opts.username, role: opts.role, password });
      process.stdout.write(`created user '${created.username}' (id ${created.id}, role ${created.role})\n`);
    });
}
