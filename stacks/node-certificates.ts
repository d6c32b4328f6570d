/**
 * The environment's CA and every host's certificate, made at deploy time by the hashicorp/tls
 * provider: an ECDSA P-256 CA key and self-signed certificate, and per host a key and a certificate
 * signed by it for the host's names (topology `tlsNamesFor`: its name, its private IP, the front
 * door's address). Certificates and the CA go into SSM as String parameters, each private key as a
 * SecureString under the environment's key; the hosts read them at boot (warren-install-tls).
 *
 * The synthesized JSON holds only the resources' settings: `tls_private_key` makes its key during
 * `apply`, and the key lives in Terraform state (and in SSM), never in `cdktf.out/`. That is one
 * more reason the state must be protected (docs/stacks.md "TLS"). Renewal: replace the certificate
 * resources (`terraform apply -replace=…`, or earlyRenewalHours before the end), then `warren roll`.
 */
import { ConstructError } from './construct-error';
import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { CertRequest } from '@cdktf/provider-tls/lib/cert-request';
import { LocallySignedCert } from '@cdktf/provider-tls/lib/locally-signed-cert';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import { TLS_LIFETIMES, tlsNamesFor, tlsParameterSuffix, type TlsSecretKey } from '../topology';

export interface CertificateHost {
  readonly name: string;
  readonly ip: string;
}

export interface NodeCertificatesProps {
  /** The environment's name: the CA's common name is `warren <env> CA`. */
  readonly envName: string;
  /** The SSM path prefix, e.g. `/warren/lts`. */
  readonly prefix: string;
  /** Every host that gets a certificate (RabbitMQ nodes, HAProxy hosts). */
  readonly hosts: readonly CertificateHost[];
  /** The front door's address, in every host's names: the VIP, or the NLB's DNS name (a reference). */
  readonly frontDoor: { readonly ip?: string; readonly dns?: string };
  /**
   * KMS key of the private keys' SecureStrings (the stack's EnvironmentKey).
   * @default the account's AWS managed key `alias/aws/ssm`
   */
  readonly kmsKeyId?: string;
}

const KEY = { algorithm: 'ECDSA', ecdsaCurve: 'P256' } as const;

export class NodeCertificates extends Construct {
  /** The CA certificate (PEM), known after apply: a stack output. */
  readonly caCertPem: string;
  readonly prefix: string;
  /** Every parameter, for depends_on: a host must not boot before its certificate exists. */
  readonly parameters: SsmParameter[] = [];
  private readonly hostNames: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: NodeCertificatesProps) {
    super(scope, id);
    if (props.hosts.length === 0)
      throw new ConstructError('NodeCertificates: hosts is empty; give every host');
    if (new Set(props.hosts.map((h) => h.name)).size !== props.hosts.length)
      throw new ConstructError('NodeCertificates: hosts lists a name twice; list each host once');
    this.prefix = props.prefix;
    this.hostNames = new Set(props.hosts.map((h) => h.name));
    const caKey = new PrivateKey(this, 'ca-key', KEY);
    const ca = new SelfSignedCert(this, 'ca', {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      subject: [{ commonName: `warren ${props.envName} CA`, organization: 'warren' }],
      validityPeriodHours: TLS_LIFETIMES.caHours,
      allowedUses: ['cert_signing', 'crl_signing'],
    });
    this.caCertPem = ca.certPem;
    this.parameters.push(
      new SsmParameter(this, 'ca-parameter', {
        name: this.parameterName('tls-ca'),
        type: 'String',
        value: ca.certPem,
        description: `warren: the certificate of the ${props.envName} environment's CA`,
      }),
    );
    for (const host of props.hosts) {
      const names = tlsNamesFor(host, props.frontDoor);
      const key = new PrivateKey(this, `${host.name}-key`, KEY);
      const request = new CertRequest(this, `${host.name}-request`, {
        privateKeyPem: key.privateKeyPem,
        subject: [{ commonName: host.name, organization: 'warren' }],
        dnsNames: [...names.dns],
        ipAddresses: [...names.ips],
      });
      const cert = new LocallySignedCert(this, `${host.name}-cert`, {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: TLS_LIFETIMES.hostHours,
        earlyRenewalHours: TLS_LIFETIMES.earlyRenewalHours,
        allowedUses: ['digital_signature', 'key_encipherment', 'server_auth', 'client_auth'],
      });
      this.parameters.push(
        new SsmParameter(this, `${host.name}-cert-parameter`, {
          name: this.parameterName('tls-cert', host.name),
          type: 'String',
          value: cert.certPem,
          description: `warren: the TLS certificate of ${host.name}`,
        }),
        new SsmParameter(this, `${host.name}-key-parameter`, {
          name: this.parameterName('tls-key', host.name),
          type: 'SecureString',
          value: key.privateKeyPem,
          description: `warren: the TLS private key of ${host.name} (its own role reads it)`,
          ...(props.kmsKeyId !== undefined ? { keyId: props.kmsKeyId } : {}),
        }),
      );
    }
  }

  /** `/warren/<env>/tls/ca`, `/warren/<env>/tls/<host>/cert|key`: known at synth time, safe to print. */
  parameterName(key: TlsSecretKey, host = ''): string {
    return `${this.prefix}/${tlsParameterSuffix(key, host)}`;
  }

  /** What one host's role may read, relative to the prefix (InstanceRole `extraParameters`). */
  readableBy(host: string): string[] {
    if (!this.hostNames.has(host))
      throw new ConstructError(
        `NodeCertificates: no certificate for '${host}'; hosts: ${[...this.hostNames].join(', ')}`,
      );
    return (['tls-ca', 'tls-cert', 'tls-key'] as const).map((k) => tlsParameterSuffix(k, host));
  }
}
