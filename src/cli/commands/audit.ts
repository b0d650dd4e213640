/** `vigil audit verify`: recomputes the audit log's hash chain; exit 1 and the first broken row when it fails. */
import type { Command } from 'commander';
import { verifyAuditOffline } from '../../app/admin.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('recompute the hash chain of the audit log and report the first broken row')
    .option('--data <dir>', 'data folder', './data')
    .action((opts: { data: string }) => {
      const result = verifyAuditOffline(opts.data);
      if (result.ok) {
        process.stdout.write(`audit log ok: ${result.records} records, head ${result.head || '(empty)'}\n`);
        return;
      }
      process.stdout.write(`audit log BROKEN at row ${result.broken!.seq}: ${result.broken!.message}\n`);
      process.exitCode = 1;
    });
}
