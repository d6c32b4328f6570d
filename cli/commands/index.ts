/** Every `warren` command, in the order `warren --help` lists them. */
import type { Command } from '../command';
import { labCommand } from './lab';
import { notYet } from './not-yet';
import { topologyCommand } from './topology';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  topologyCommand,
  notYet('render', "print one host's user-data, or one rendered file", 3),
  notYet('synth', 'write Packer templates and the CDKTF stacks (cdktf.out/)', 5),
  notYet('bake', 'build the AMIs with Packer', 4),
  labCommand,
  notYet('bench', 'measure boot, failover and throughput on the lab', 7),
];
