// escapeTerraform and its inverse terraformLiteral (HCL's template rules), on chosen and on random text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeTerraform, terraformLiteral } from '../../stacks';

describe('escapeTerraform', () => {
  it('escapes interpolations and directives', () => {
    expect(escapeTerraform('echo ${HOME}')).toBe('echo $${HOME}');
    expect(escapeTerraform('%{ if x }')).toBe('%%{ if x }');
    expect(escapeTerraform('cost $5, {braces}, 100%')).toBe('cost $5, {braces}, 100%');
    expect(escapeTerraform('$${already}')).toBe('$$${already}');
  });

  it('round-trips through terraformLiteral for any text', () => {
    const alphabet = fc.constantFrom('$', '%', '{', '}', 'a', '\\', '"', '\n');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (s) => {
        expect(terraformLiteral(escapeTerraform(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('terraformLiteral', () => {
  it('follows HCL: $${ and %%{ are escapes, other $ and % are literal', () => {
    expect(terraformLiteral('a $${HOME} b %%{ if } $$${x} $$ $x %%%{')).toBe(
      'a ${HOME} b %{ if } $${x} $$ $x %%{',
    );
  });

  it('refuses text that Terraform would evaluate', () => {
    expect(() => terraformLiteral('echo ${HOME}')).toThrow(
      /unescaped Terraform template sequence at offset 5/,
    );
    expect(() => terraformLiteral('%{ if }')).toThrow(/offset 0/);
  });
});
