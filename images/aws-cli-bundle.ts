/**
 * The AWS CLI every image gets, for the SSM secrets and the VIP move. It must speak IMDSv2: the
 * stacks require IMDSv2 (http_tokens = required), and the awscli in xenial's archive (1.x from 2016)
 * predates it, so on 16.04 it would get no instance credentials and boot would stall. The AWS CLI v2
 * bundle carries its own Python and runs on every release warren supports (it needs glibc ≥ 2.17;
 * xenial has 2.23), so every release gets the same bundle, pinned by version and SHA-256.
 *
 * To move to another version: take the version from the AWS CLI v2 changelog, download
 * `awscli-exe-linux-<arch>-<version>.zip` from awscli.amazonaws.com, verify its PGP signature
 * (`.zip.sig`, AWS CLI team key A6310ACC4672475C) and put its `sha256sum` here.
 */

export type CpuArchitecture = 'x86_64' | 'aarch64';

export interface AwsCliBundle {
  readonly version: string;
  readonly architecture: CpuArchitecture;
  readonly url: string;
  readonly sha256: string;
}

export const AWS_CLI_VERSION = '2.36.7';

const SHA256: Readonly<Record<CpuArchitecture, string>> = {
  x86_64: 'd641283d37f1a2168457a9f26a20d4e29167652e9ab1719b37114ef1ebe859f4',
  aarch64: '85826b67912b44bb45d1e46c6e66f383c14405ee0b2f4686f73bdf949c93bd61',
};

export function awsCliBundle(architecture: CpuArchitecture = 'x86_64'): AwsCliBundle {
  return {
    version: AWS_CLI_VERSION,
    architecture,
    url: `https://awscli.amazonaws.com/awscli-exe-linux-${architecture}-${AWS_CLI_VERSION}.zip`,
    sha256: SHA256[architecture],
  };
}
