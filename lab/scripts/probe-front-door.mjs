// Checks a lab's front door from inside the client namespace (run by `warren lab up` with
// `ip netns exec wl-<env>-client node probe-front-door.mjs ADDRESS AMQP_PORT MGMT_PORT CREDENTIALS_FILE [CA_FILE]`):
// opens an AMQP TCP connection and asks the management API for the cluster's nodes. Prints JSON.
// With CA_FILE both go over TLS and the nodes' certificates must verify against it (rabbitmq.tls).
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import process from 'node:process';

const [address, amqpPort, managementPort, credentialsFile, caFile] = process.argv.slice(2);
const { username, password } = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'));
// The address is an IP (the VIP or the NLB stand-in): checked against the certificates' IP names.
const ca = caFile ? { ca: fs.readFileSync(caFile) } : undefined;

function amqp() {
  return new Promise((resolve) => {
    const options = { host: address, port: Number(amqpPort), timeout: 3000 };
    const socket = ca ? tls.connect({ ...options, ...ca }) : net.connect(options);
    // A broker answers a protocol header with its own Connection.Start frame (type 1).
    socket.on(ca ? 'secureConnect' : 'connect', () =>
      socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')),
    );
    socket.on('data', (d) => {
      socket.destroy();
      resolve(d[0] === 1);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

function nodes() {
  return new Promise((resolve) => {
    const req = (ca ? https : http).get(
      {
        ...(ca ?? {}),
        host: address,
        port: Number(managementPort),
        path: '/api/nodes',
        timeout: 3000,
        headers: { authorization: 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64') },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve({ status: res.statusCode, running: [] });
          try {
            const list = JSON.parse(body);
            resolve({ status: 200, running: list.filter((n) => n.running).map((n) => n.name) });
          } catch {
            resolve({ status: res.statusCode, running: [] });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, running: [] }));
  });
}

Promise.all([amqp(), nodes()]).then(([amqpOk, mgmt]) => {
  process.stdout.write(JSON.stringify({ amqp: amqpOk, management: mgmt }) + '\n');
});
