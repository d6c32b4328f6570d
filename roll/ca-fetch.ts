/**
 * A fetch for the management API over HTTPS that trusts one CA (the environment's, PEM) and checks
 * the certificate's names against the address asked (the nodes' certificates carry their private
 * IPs). Global fetch cannot be given a CA; node:https can. Plain http URLs go to global fetch.
 * `identity` checks the names against another address than the one asked: through an HAProxy
 * host's own address the node behind it answers, whose certificate names the VIP, not that host.
 */
import https from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';

export type CaFetch = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

export function caFetch(caPem: string, identity?: string): CaFetch {
  return (url, init) => {
    const u = new URL(url);
    if (u.protocol !== 'https:') return fetch(url, init);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return new Promise<Response>((resolve, reject) => {
      const req = https.get(
        {
          host,
          port: u.port === '' ? 443 : Number(u.port),
          path: `${u.pathname}${u.search}`,
          headers: init.headers,
          ca: [caPem],
          // A connection (and TLS session) of its own each time: a pooled one was verified for
          // another request's identity, and the agent's pool key does not include the check.
          agent: false,
          // SNI carries DNS names only; an IP is checked against the certificate's IP names.
          ...(isIP(host) ? {} : { servername: host }),
          ...(identity !== undefined
            ? { checkServerIdentity: (_: string, cert) => checkServerIdentity(identity, cert) }
            : {}),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 500;
            const body = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks).toString('utf8');
            resolve(new Response(body, { status }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
  };
}
