// The failure drills of drills.test.ts on the lts lab: RabbitMQ 4.0.5 on Debian 13, quorum queues
// and no mirroring. drills.test.ts reads WARREN_DRILLS_ENV when it is imported, so this file sets
// it, imports it (vitest collects its tests here, in this file's own module graph) and restores it.
const before = process.env.WARREN_DRILLS_ENV;
process.env.WARREN_DRILLS_ENV = 'lts';
await import('./drills.test');
if (before === undefined) delete process.env.WARREN_DRILLS_ENV;
else process.env.WARREN_DRILLS_ENV = before;
export {};
