/**
 * The tags a baked AMI carries. The bake writes `imageTags`; a stack that looks its AMI up (only
 * when the topology asks: image.amiLookup 'latest') filters on `amiLookupTags`, a subset of them.
 * One owner, so the two cannot drift apart.
 */
import type { Topology } from '../topology';
import type { ImageRole } from './image-role';

/** The tags that identify an image of this environment and role: what a lookup matches on. */
export function amiLookupTags(t: Topology, role: ImageRole): Record<string, string> {
  return {
    'warren:env': t.name,
    'warren:role': role,
    'warren:ubuntu': t.image.ubuntu,
    // The HAProxy image does not depend on the RabbitMQ version, so only rabbitmq images are matched on it.
    ...(role === 'rabbitmq' ? { 'warren:rabbitmq': t.image.rabbitmq } : {}),
  };
}

/** Every tag the bake puts on the AMI and its snapshot. */
export function imageTags(t: Topology, role: ImageRole): Record<string, string> {
  return {
    ...t.tags,
    Name: `warren-${t.name}-${role}`,
    ...amiLookupTags(t, role),
    'warren:rabbitmq': t.image.rabbitmq,
    'warren:erlang': t.image.erlang,
  };
}
