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

/**
 * The string Terraform makes of a template that holds no interpolation or directive, following
 * HCL's template scanner (`$${` → `${`, `%%{` → `%{`, anything else literal). Throws at the first
 * unescaped `${` or `%{`, naming its offset: that text would be evaluated, not kept.
 */
export function terraformLiteral(template: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      out += template[i] + '{';
      i += 3;
    } else if (template.startsWith('${', i) || template.startsWith('%{', i)) {
      const near = template.slice(Math.max(0, i - 20), i + 20).replace(/\n/g, '\\n');
      throw new Error(`unescaped Terraform template sequence at offset ${i}: …${near}…`);
    } else {
      out += template[i];
      i += 1;
    }
  }
  return out;
}
