/**
 * The drills' agent: the program that runs inside the lab's client network namespace
 * (`ip netns exec wl-<env>-client node --import tsx lab/drills/agent.ts …`), because only there are the
 * lab's addresses reachable. It runs one load or one TCP probe, reports progress as JSON lines on
 * stderr, and prints exactly one JSON result on stdout when it ends. It ends after --duration-ms, or
 * when the parent writes `stop` (or closes stdin) when no duration was given.
 *
 *   agent.ts load  --host H [--port 5672] --credentials FILE [--ca FILE [--servername NAME]] --queue Q
 *                  [--queue-type classic|quorum] [--rate N] [--batch N] [--message-bytes N] [--duration-ms N]
 *                  [--keep-queue]
 *   agent.ts probe --host H [--port 5672] [--interval-ms 50] [--duration-ms N]
 *   agent.ts connect --host H [--port 5672] --credentials FILE [--ca FILE [--servername NAME]] [--duration-ms N]
 *                  (AMQP handshake + channel, retried until it works or the duration (default 60 s) ends)
 *
 * With --ca the agent speaks AMQPS (default port 5671), verifying the broker's certificate against
 * that CA (PEM) for --servername, or else for the address it connects to (an IP: the certificate's
 * IP names). The password comes from the credentials file (JSON with username and password), never from argv.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as amqp from 'amqplib';
import { startLoad } from './load-client';
import { startProbe } from './tcp-probe';

function onStop(hasDuration: boolean, stop: () => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => line.trim() === 'stop' && stop());
  if (!hasDuration) rl.on('close', stop);
}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a non-negative number, got '${v}'`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      credentials: { type: 'string' },
      ca: { type: 'string' },
      servername: { type: 'string' },
      queue: { type: 'string' },
      'queue-type': { type: 'string' },
      rate: { type: 'string' },
      batch: { type: 'string' },
      'message-bytes': { type: 'string' },
      'duration-ms': { type: 'string' },
      'interval-ms': { type: 'string' },
      'keep-queue': { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.host) throw new Error('--host is required');
  const tls = values.ca
    ? { ca: readFileSync(values.ca, 'utf8'), ...(values.servername ? { servername: values.servername } : {}) }
    : undefined;
  if (values.servername && !tls) throw new Error('--servername needs --ca');
  const port = num(values.port, 'port') ?? (tls ? 5671 : 5672);
  const durationMs = num(values['duration-ms'], 'duration-ms');
  const log = (o: object) => process.stderr.write(`${JSON.stringify(o)}\n`);

  if (mode === 'probe') {
    const probe = startProbe({
      host: values.host,
      port,
      intervalMs: num(values['interval-ms'], 'interval-ms'),
    });
    log({ kind: 'started' });
    await new Promise<void>((resolve) => {
      onStop(durationMs !== undefined, resolve);
      if (durationMs !== undefined) setTimeout(resolve, durationMs);
    });
    process.stdout.write(`${JSON.stringify(await probe.stop())}\n`);
    return;
  }
  if (mode !== 'load' && mode !== 'connect')
    throw new Error(`unknown mode '${mode}': use load, probe or connect`);
  if (!values.credentials)
    throw new Error('--credentials FILE is required (JSON with username and password)');
  const creds = JSON.parse(readFileSync(values.credentials, 'utf8')) as {
    username?: string;
    password?: string;
  };
  if (!creds.username || !creds.password)
    throw new Error(`${values.credentials}: needs username and password`);
  if (mode === 'connect') {
    const start = Date.now();
    const deadline = start + (durationMs ?? 60_000);
    let lastError = '';
    for (let attempts = 1; Date.now() < deadline; attempts++) {
      try {
        const conn = await amqp.connect(
          {
            protocol: tls ? 'amqps' : 'amqp',
            hostname: values.host,
            port,
            username: creds.username,
            password: creds.password,
            heartbeat: 5,
          },
          {
            timeout: 2_000,
            ...(tls ? { ca: [tls.ca], ...(tls.servername ? { servername: tls.servername } : {}) } : {}),
          },
        );
        conn.on('error', () => {});
        await conn.createChannel();
        await conn.close();
        process.stdout.write(`${JSON.stringify({ ok: true, attempts, ms: Date.now() - start })}\n`);
        return;
      } catch (e) {
        lastError = (e as Error).message;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    process.stdout.write(`${JSON.stringify({ ok: false, ms: Date.now() - start, error: lastError })}\n`);
    return;
  }
  if (!values.queue) throw new Error('--queue is required');
  const queueType = values['queue-type'] ?? 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum')
    throw new Error('--queue-type must be classic or quorum');
  const run = startLoad({
    host: values.host,
    port,
    ...(tls ? { tls } : {}),
    username: creds.username,
    password: creds.password,
    queue: values.queue,
    queueType,
    rate: num(values.rate, 'rate'),
    batchSize: num(values.batch, 'batch'),
    messageBytes: num(values['message-bytes'], 'message-bytes'),
    durationMs,
    keepQueue: values['keep-queue'],
    onEvent: log,
  });
  onStop(durationMs !== undefined, () => run.stop());
  const result = await run.result;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`agent: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
