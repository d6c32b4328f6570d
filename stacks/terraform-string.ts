/**
 * Terraform reads every string in a configuration as a template: `${…}` interpolates and `%{…}` is
 * a directive, also in the JSON syntax cdktf writes. cdktf passes plain strings through unchanged, so
 * a shell script embedded as user-data or as a local-exec command would be rewritten by Terraform
 * (`${HOME}` becomes a reference to a resource that does not exist). Embedded text goes through
 * `escapeTerraform` first; `terraformLiteral` is the inverse, as Terraform applies it.
 */

/** Escapes `${` as `$${` and `%{` as `%%{`, so Terraform yields exactly `text`. */
export function escapeTerraform(text: string): string {
  // Replacement functions, not strings: in a replacement string `$$` itself means a single `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Resolves a plain reference (`TYPE.NAME.ATTR`, `data.TYPE.NAME.ATTR`); undefined when unknown. */
export type ReferenceLookup = (reference: string) => string | undefined;

const PLAIN_REFERENCE = /^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z0-9_]+$/;

/**
 * The string Terraform makes of a template, following HCL's template scanner (`$${` → `${`,
 * `%%{` → `%{`, anything else literal), with each plain-reference interpolation
 * (`${aws_ebs_volume.x.id}`) replaced by what `lookup` gives. Undefined when a reference is unknown
 * or the template holds anything else (a function call, a directive): that text would need Terraform.
 */
export function renderTemplate(template: string, lookup: ReferenceLookup): string | undefined {
  let out = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      out += template[i] + '{';
      i += 3;
    } else if (template.startsWith('%{', i)) {
      return undefined;
    } else if (template.startsWith('${', i)) {
      const end = template.indexOf('}', i);
      const ref = end === -1 ? '' : template.slice(i + 2, end).trim();
      const value = PLAIN_REFERENCE.test(ref) ? lookup(ref) : undefined;
      if (value === undefined) return undefined;
      out += value;
      i = end + 1;
    } else {
      out += template[i];
      i += 1;
    }
  }
  return out;
}

/**
 * The string Terraform makes of a template that holds no interpolation or directive. Throws at the
 * first unescaped `${` or `%{`, naming its offset: that text would be evaluated, not kept.
 */
export function terraformLiteral(template: string): string {
  const literal = renderTemplate(template, () => undefined);
  if (literal !== undefined) return literal;
  const offset = [...template.matchAll(/(?<![$%])[$%]\{/g)][0]?.index ?? 0;
  const near = template.slice(Math.max(0, offset - 20), offset + 20).replace(/\n/g, '\\n');
  throw new Error(`unescaped Terraform template sequence at offset ${offset}: …${near}…`);
}
