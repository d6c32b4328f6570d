/** Reads the health gate's script for the stacks (constructs take its text; they read no files). */
import { readFileSync } from 'node:fs';
import { HEALTH_GATE_SCRIPT } from '../stacks';

export function healthGateScript(): string {
  return readFileSync(HEALTH_GATE_SCRIPT, 'utf8');
}
