import { WarrenError } from './warren-error';

/** One thing wrong with an environment: where (field path), what, and how to fix it. */
export interface TopologyIssue {
  /** Field path in the user's file, e.g. `rabbitmq.nodes[1].ip`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Formats zod-style paths (`['rabbitmq', 'nodes', 1, 'ip']`) the way users write them. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** Raised when an environment is refused; carries every issue, not just the first. */
export class TopologyError extends WarrenError {
  constructor(
    readonly source: string,
    readonly issues: readonly TopologyIssue[],
  ) {
    super(formatIssues(source, issues));
    this.name = 'TopologyError';
  }
}

export function formatIssues(source: string, issues: readonly TopologyIssue[]): string {
  const lines = issues.map(
    (i) => `${source}: ${i.path === '' ? '(file)' : i.path}: ${i.message}\n    fix: ${i.fix}`,
  );
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `${source} was refused (${count}); nothing was written.\n${lines.join('\n')}`;
}
