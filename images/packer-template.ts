/**
 * A typed model of the Packer HCL2 templates warren emits, in HCL's JSON syntax (`*.pkr.json`).
 * There is no usable Packer SDK for Node, so this is our own: only the blocks and arguments we use,
 * named exactly as Packer names them, so `JSON.stringify` of a `PackerTemplate` is the file.
 *
 * HCL's JSON syntax: a block `source "amazon-ebs" "ubuntu" { … }` is `{ "source": { "amazon-ebs":
 * { "ubuntu": { … } } } }`; repeated, ordered blocks (provisioners) are arrays of one-key objects.
 * A `"//"` property is a comment wherever HCL reads an object as a block body; Packer 1.6.6 and
 * later accept it on the template, sources, variables, builds and provisioners.
 */

/** `"//"`: HCL JSON's comment property. */
export interface Commented {
  readonly '//'?: string;
}

/** `variable "NAME" { type, default, description }`. */
export interface PackerVariable extends Commented {
  readonly type: 'string' | 'number' | 'bool' | 'list(string)' | 'map(string)';
  readonly default?: string | number | boolean | readonly string[] | Readonly<Record<string, string>>;
  readonly description: string;
}

/** The `source_ami_filter` of an amazon-ebs source. */
export interface SourceAmiFilter {
  readonly owners: readonly string[];
  readonly most_recent: boolean;
  /** Also match AMIs AWS marks deprecated (every public AMI older than two years, e.g. xenial's). */
  readonly include_deprecated?: boolean;
  readonly filters: Readonly<Record<string, string>>;
}

/** The build instance's metadata service settings. */
export interface MetadataOptions {
  readonly http_endpoint: 'enabled' | 'disabled';
  readonly http_tokens: 'required' | 'optional';
  readonly http_put_response_hop_limit: number;
}

/**
 * Arguments only the amazon plugin has (warren requires `>= 1.2.0`, see plugins.pkr.json), not
 * Packer 1.6.6's built-in amazon-ebs: the offline `packer validate` test removes exactly these.
 */
export const PLUGIN_ONLY_ARGUMENTS = {
  source: ['metadata_options', 'imds_support', 'deprecate_at', 'temporary_security_group_source_public_ip'],
  sourceAmiFilter: ['include_deprecated'],
} as const;

/** `source "amazon-ebs" "NAME"`: the arguments warren sets (the amazon plugin >= 1.2.0 accepts all). */
export interface AmazonEbsSource extends Commented {
  readonly region: string;
  readonly instance_type: string;
  readonly source_ami_filter: SourceAmiFilter;
  readonly ssh_username: string;
  readonly ami_name: string;
  readonly ami_description?: string;
  readonly subnet_id?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly snapshot_tags?: Readonly<Record<string, string>>;
  readonly run_tags?: Readonly<Record<string, string>>;
  readonly metadata_options?: MetadataOptions;
  /** `v2.0`: instances launched from the AMI get IMDSv2 only, whatever their launch settings say. */
  readonly imds_support?: 'v2.0';
  readonly encrypt_boot?: boolean;
  readonly kms_key_id?: string;
  /** RFC 3339 time at which AWS deprecates the AMI. */
  readonly deprecate_at?: string;
  /** Open the temporary security group's SSH port to this machine's public address only. */
  readonly temporary_security_group_source_public_ip?: boolean;
  readonly ami_regions?: readonly string[];
  /** Key per copy region; `""` is that region's default EBS key. */
  readonly region_kms_key_ids?: Readonly<Record<string, string>>;
}

/** `provisioner "file"`: uploads a file or, with a trailing slash, a directory's contents. */
export interface FileProvisioner extends Commented {
  readonly source: string;
  readonly destination: string;
}

/** `provisioner "shell"` running one script file (uploaded by Packer) with environment variables. */
export interface ShellProvisioner extends Commented {
  readonly script?: string;
  readonly inline?: readonly string[];
  readonly environment_vars?: readonly string[];
  /** Go template; `{{ .Vars }}` and `{{ .Path }}` are Packer's. */
  readonly execute_command?: string;
  /** Directory the script is uploaded to. @default '/tmp' */
  readonly remote_folder?: string;
}

export type Provisioner = { readonly file: FileProvisioner } | { readonly shell: ShellProvisioner };

/** `post-processor "manifest"`: writes the artifact ids (`region:ami-…`) of the build to a JSON file. */
export interface ManifestPostProcessor {
  readonly output: string;
  readonly strip_path?: boolean;
  readonly custom_data?: Readonly<Record<string, string>>;
}

export type PostProcessor = { readonly manifest: ManifestPostProcessor };

/** `build { sources = […]; provisioner …; post-processor … }`. */
export interface PackerBuild extends Commented {
  readonly name: string;
  readonly sources: readonly string[];
  readonly provisioner: readonly Provisioner[];
  readonly 'post-processor': readonly PostProcessor[];
}

/** One `*.pkr.json` file holding a whole build. */
export interface PackerTemplate extends Commented {
  readonly variable?: Readonly<Record<string, PackerVariable>>;
  readonly locals?: Readonly<Record<string, string>>;
  readonly source?: { readonly 'amazon-ebs'?: Readonly<Record<string, AmazonEbsSource>> };
  readonly build?: PackerBuild;
}

/**
 * `packer { required_version, required_plugins }`, in a file of its own: Packer 1.7 needs
 * `required_plugins` to install the amazon plugin (`packer init`), and Packer 1.6 rejects the block.
 */
export interface PackerPluginsFile extends Commented {
  readonly packer: {
    readonly required_version: string;
    readonly required_plugins: Readonly<
      Record<string, { readonly version: string; readonly source: string }>
    >;
  };
}

/** `${…}` interpolation, so callers don't hand-write HCL expressions. */
export const hcl = {
  variable: (name: string): string => `\${var.${name}}`,
  local: (name: string): string => `\${local.${name}}`,
  pathRoot: (relative: string): string => `\${path.root}/${relative}`,
  sourceRef: (type: string, name: string): string => `source.${type}.${name}`,
};

/** The file text: two-space JSON with a trailing newline. */
export function renderTemplateJson(template: PackerTemplate | PackerPluginsFile): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}
