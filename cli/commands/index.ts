/** Every `warren` command, in the order `warren --help` lists them. */
import type { Command } from '../command';
import { bakeCommand } from './bake';
import { benchCommand } from './bench';
import { labCommand } from './lab';
import { renderCommand } from './render';
import { rollCommand } from './roll';
import { synthCommand } from './synth';
import { topologyCommand } from './topology';
import { validateCommand } from './validate';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  topologyCommand,
  renderCommand,
  synthCommand,
  bakeCommand,
  rollCommand,
  labCommand,
  benchCommand,
];
