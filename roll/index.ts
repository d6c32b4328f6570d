/**
 * roll/: the rolling orchestrator (one host at a time, in a safe order, with health checks, drain
 * and waits) and the cluster client it asks. Independent of AWS and the lab: each supplies an
 * adapter (see orchestrator.ts). Imports workspace/ and the pure layers.
 */
export * from './ca-fetch';
export * from './cluster-client';
export * from './orchestrator';
