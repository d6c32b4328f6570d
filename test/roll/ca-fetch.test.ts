// caFetch, the HTTPS fetch warren roll uses for the nodes' management API with rabbitmq.tls
// 'required': a real TLS server on 127.0.0.1 with a certificate from an openssl CA (lab/lab-ca.ts,
// the same names a node's certificate carries). It verifies the chain and the address asked, or
// the `identity` given (the VIP, through an HAProxy host); another CA or another name is refused.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCa, ensureHostCert } from '../../lab/lab-ca';
import { caFetch } from '../../roll';
import { tempDir } from '../stacks/helpers';

let server: https.Server;
let base = '';
let ca = '';
let otherCa = '';

beforeAll(async () => {
  const root = tempDir('warren-ca-fetch-');
  const files = ensureCa(root, 'warren test CA');
  // 127.0.0.1 is the node's own address here; 192.168.44.230 stands for the VIP.
  const host = ensureHostCert(root, files, 'rabbit-01', {
    dns: ['rabbit-01'],
    ips: ['127.0.0.1', '192.168.44.230'],
  });
  ca = readFileSync(files.cert, 'utf8');
  otherCa = readFileSync(ensureCa(path.join(root, 'other'), 'another CA').cert, 'utf8');
  server = https.createServer({ cert: readFileSync(host.cert), key: readFileSync(host.key) }, (req, res) => {
    const status = req.headers.authorization === 'Basic dTpw' ? 200 : 401;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('caFetch', () => {
  it('verifies the chain and the IP asked, and returns status and body', async () => {
    const r = await caFetch(ca)(`${base}/api/overview?x=1`, { headers: { authorization: 'Basic dTpw' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ path: '/api/overview?x=1' });
    const refused = await caFetch(ca)(`${base}/api/overview`, { headers: {} });
    expect(refused.status).toBe(401);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    await expect(caFetch(otherCa)(`${base}/api/overview`, { headers: {} })).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)/i,
    );
  });

  it('checks the names against `identity` when given: the VIP passes, an address not in it fails', async () => {
    const viaVip = await caFetch(ca, '192.168.44.230')(`${base}/api/overview`, { headers: {} });
    expect(viaVip.status).toBe(401);
    await expect(caFetch(ca, '10.9.9.9')(`${base}/api/overview`, { headers: {} })).rejects.toThrow(
      /IP: 10\.9\.9\.9 is not in the cert's list/,
    );
  });
});
