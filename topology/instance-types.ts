/**
 * EC2 instance type facts the gate needs. The images are amd64 (Team RabbitMQ's packages and the
 * AWS CLI bundle warren pins are), so an arm64 (Graviton) type cannot boot them.
 */

/** Graviton families carry a `g` after the generation digit: m7g, c6gn, r8gd, t4g, x2gd, im4gn. */
export function isArm64InstanceType(instanceType: string): boolean {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType);
}

/** The instance type shape `family.size`, e.g. `t3.medium`. */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
