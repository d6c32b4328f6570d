/**
 * The two image roles. Both carry Erlang, RabbitMQ (with the environment's plugins) and the AWS
 * CLI; the haproxy image adds HAProxy and keepalived. This mirrors the lab, whose one Debian image
 * has all of them: what runs on a host is decided at boot by its user-data, and every service the
 * image carries stays disabled until then.
 */
import type { Topology } from '../topology';

export const IMAGE_ROLES = ['rabbitmq', 'haproxy'] as const;
export type ImageRole = (typeof IMAGE_ROLES)[number];

export function isImageRole(value: string): value is ImageRole {
  return (IMAGE_ROLES as readonly string[]).includes(value);
}

/** The roles an environment launches: an NLB front door has no HAProxy hosts, so no haproxy image. */
export function imageRolesOf(t: Topology): ImageRole[] {
  return t.frontDoor.kind === 'keepalived' ? ['rabbitmq', 'haproxy'] : ['rabbitmq'];
}

/** The instance type the image is built on: the one its hosts run on. */
export function buildInstanceType(t: Topology, role: ImageRole): string {
  if (role === 'haproxy' && t.frontDoor.kind === 'keepalived') return t.frontDoor.instanceType;
  return t.rabbitmq.instanceType;
}

/** systemd units each role's image carries; all are stopped and disabled until first boot. */
export function unitsOf(role: ImageRole): string[] {
  const rabbit = ['rabbitmq-server.service', 'epmd.service', 'epmd.socket'];
  return role === 'haproxy' ? [...rabbit, 'haproxy.service', 'keepalived.service'] : rabbit;
}
