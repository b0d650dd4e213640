import type { Command } from 'commander';
import { registerEvtxCommands } from './evtx.js';
import { registerHuntCommands } from './hunt.js';
import { registerRulesCommands } from './rules.js';
import { registerSigmaCommands } from './sigma.js';
import { registerServeCommands } from './serve.js';
import { registerUserCommands } from './user.js';
import { registerAuditCommands } from './audit.js';

/** Every command group registers itself here; one line per group. */
export function registerCommands(program: Command): void {
  registerRulesCommands(program);
  registerSigmaCommands(program);
  registerEvtxCommands(program);
  registerServeCommands(program);
  registerHuntCommands(program);
  registerUserCommands(program);
  registerAuditCommands(program);
}
