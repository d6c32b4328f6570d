/**
 * The TLS material each host reads at boot through warren-secret, and where it lives in SSM. The CA
 * certificate is one per environment; certificate and private key are per host, so each host's
 * role can be allowed its own key and no other. Only `tls-key` is secret; the certificates are
 * public, but travel the same way so the boot scripts have one source.
 */
export const TLS_SECRET_KEYS = ['tls-ca', 'tls-cert', 'tls-key'] as const;
export type TlsSecretKey = (typeof TLS_SECRET_KEYS)[number];

/** The parameter name under the environment's SSM prefix (cloudinit/scripts/warren-secret agrees). */
export function tlsParameterSuffix(key: TlsSecretKey, host: string): string {
  switch (key) {
    case 'tls-ca':
      return 'tls/ca';
    case 'tls-cert':
      return `tls/${host}/cert`;
    case 'tls-key':
      return `tls/${host}/key`;
  }
}

/** The names one host's certificate carries (subject alternative names). */
export interface TlsNames {
  readonly dns: readonly string[];
  readonly ips: readonly string[];
}

/** Lifetimes (hours): the CA outlives many node certificates; renewal is a replace (docs/stacks.md "TLS"). */
export const TLS_LIFETIMES = {
  caHours: 10 * 365 * 24,
  hostHours: 2 * 365 * 24,
  /** Terraform plans a new certificate this long before the old one ends. */
  earlyRenewalHours: 30 * 24,
} as const;

/**
 * A host's names: its own (hostname and private IP, for direct and node-to-node use) and the front
 * door's, since clients reach every node through it and verify the node's certificate end to end.
 * `frontDoor` is the VIP (keepalived) or the load balancer's DNS name and, in the lab, its address.
 */
export function tlsNamesFor(
  host: { readonly name: string; readonly ip: string },
  frontDoor: { readonly ip?: string; readonly dns?: string },
): TlsNames {
  return {
    dns: [host.name, ...(frontDoor.dns !== undefined ? [frontDoor.dns] : [])],
    ips: [host.ip, ...(frontDoor.ip !== undefined ? [frontDoor.ip] : [])],
  };
}
