/** Every `warren` command, in the order `warren --help` lists them. */
import type { Command } from '../command';
import { bakeCommand } from './bake';
import { labCommand } from './lab';
import { notYet } from './not-yet';
import { renderCommand } from './render';
import { synthCommand } from './synth';
import { topologyCommand } from './topology';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  topologyCommand,
  renderCommand,
  synthCommand,
  bakeCommand,
  labCommand,
  notYet('bench', 'measure boot, failover and throughput on the lab', 7),
];
