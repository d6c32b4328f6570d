/**
 * Turns untrusted input (a user's environment object) into a resolved `Topology`, or a
 * `TopologyError` that lists every problem with its field path and a fix. Pure; no I/O.
 */
import type { z } from 'zod';
import { resolveTopology, type Topology } from './resolve';
import { checkTopology } from './rules';
import { closest } from './did-you-mean';
import { environmentSchema } from './schema';
import { checkTls } from './tls-rules';
import { formatPath, TopologyError, type TopologyIssue } from './topology-issue';

export function validateTopology(input: unknown, source = '<topology>'): Topology {
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success) {
    throw new TopologyError(
      source,
      parsed.error.issues.flatMap((i) => fromSchemaIssue(i, input)),
    );
  }
  const topology = resolveTopology(parsed.data);
  const issues = [...checkTopology(topology), ...checkTls(topology)];
  if (issues.length > 0) throw new TopologyError(source, issues);
  return topology;
}

function fromSchemaIssue(issue: z.core.$ZodIssue, input: unknown): TopologyIssue[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(issue.path, input);
        const near = closest(key, known);
        return {
          path: formatPath([...issue.path, key]),
          message: `unknown key '${key}'`,
          fix: near ? `did you mean '${near}'?` : `remove it; allowed here: ${known.join(', ')}`,
        };
      });
    case 'invalid_type': {
      const got = valueAt(input, issue.path);
      if (issue.expected === 'string' && typeof got === 'number') return [quoteIt(path, got)];
      if (path === '') {
        return [
          {
            path,
            message: got === undefined ? 'is empty' : `is ${describe(got)}, not an environment (an object)`,
            fix: 'write an environment with name, region, network, rabbitmq and frontDoor (README "Environment files")',
          },
        ];
      }
      return [
        got === undefined
          ? {
              path,
              message: 'is required',
              fix: `add ${path
                .split('.')
                .pop()
                ?.replace(/\[\d+\]$/, '')} (${issue.expected})`,
            }
          : {
              path,
              message: `expected ${issue.expected}, got ${describe(got)}`,
              fix: `write ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`,
            },
      ];
    }
    case 'invalid_value': {
      const got = valueAt(input, issue.path);
      if (typeof got === 'number' && issue.values.every((v) => typeof v === 'string')) {
        return [quoteIt(path, got, issue.values as string[])];
      }
      return [
        {
          path,
          message: `${JSON.stringify(valueAt(input, issue.path))} is not allowed`,
          fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        },
      ];
    }
    case 'invalid_union':
      if ('discriminator' in issue && Array.isArray((issue as { options?: unknown }).options)) {
        return [
          {
            path,
            message: `${JSON.stringify(valueAt(input, issue.path))} is not a known kind`,
            fix: `use one of ${((issue as { options?: unknown }).options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
          },
        ];
      }
      return [{ path, message: issue.message, fix: 'check the value against the README reference' }];
    case 'too_small':
      return [
        {
          path,
          message: `needs at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'entries' : 'characters'}`,
          fix: 'fill it in',
        },
      ];
    default:
      return [{ path, message: issue.message, fix: 'see the environment reference in the README' }];
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The keys the schema allows at `path`, found by walking the schema definition itself. */
function knownKeys(path: readonly PropertyKey[], input: unknown): string[] {
  let schemas: z.core.$ZodType[] = [environmentSchema];
  for (const part of [...path, null]) {
    schemas = schemas.flatMap(unwrap);
    if (part === null) break;
    schemas = schemas.flatMap((s) => {
      const def = s._zod.def as unknown as Record<string, unknown>;
      if (def.type === 'array' && typeof part === 'number') return [def.element as z.core.$ZodType];
      if (def.type === 'object' && typeof part === 'string') {
        const child = (def.shape as Record<string, z.core.$ZodType>)[part];
        return child ? [child] : [];
      }
      return [];
    });
  }
  const kind = (valueAt(input, path) as { kind?: unknown } | undefined)?.kind;
  const keys = schemas.flatMap((s) => {
    const shape = (s._zod.def as unknown as { shape?: Record<string, z.core.$ZodType> }).shape ?? {};
    const lit = shape.kind && (shape.kind._zod.def as unknown as { values?: unknown[] }).values;
    if (kind !== undefined && lit && !lit.includes(kind)) return [];
    return Object.keys(shape);
  });
  return [...new Set(keys)];
}

function unwrap(s: z.core.$ZodType): z.core.$ZodType[] {
  const def = s._zod.def as unknown as Record<string, unknown>;
  if (def.innerType) return unwrap(def.innerType as z.core.$ZodType);
  if (def.type === 'union') return (def.options as z.core.$ZodType[]).flatMap(unwrap);
  return [s];
}

/**
 * A number where a string goes, most often YAML's `ubuntu: 24.04` (read as 24.04, and `22.10` as
 * 22.1): the loader of a YAML file shows the text as written when it can find it
 * (workspace/load-environment.ts).
 */
function quoteIt(path: string, got: number, allowed?: readonly string[]): TopologyIssue {
  const others =
    allowed && !allowed.includes(String(got)) ? ` (one of ${allowed.map((v) => `'${v}'`).join(', ')})` : '';
  return {
    path,
    message: `is the number ${got}, not a string`,
    fix: `write it as a string, in quotes: '${got}'${others}`,
  };
}
