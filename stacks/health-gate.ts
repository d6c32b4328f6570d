/**
 * The health gate: an opt-in `null_resource` whose local-exec runs scripts/warren-health-gate.sh on
 * the deployer's machine after the instances and the front door exist, and fails the deploy unless
 * every node runs and the replication policy is applied, seen through the front door. It needs the
 * deployer to reach the front door (an internal one only from inside the VPC) and to have `aws`,
 * `curl` and `node`. The script reads the admin password from SSM itself: the synthesized command and
 * environment hold the parameter name, never the value.
 */
import { ConstructError } from './construct-error';
import path from 'node:path';
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { ADMIN_USERNAME, plaintextOn, PORTS, rabbitNodeName, type Topology } from '../topology';
import type { FrontDoor } from './front-door';
import { escapeTerraform } from './terraform-string';

export const HEALTH_GATE_SCRIPT = path.join(__dirname, 'scripts', 'warren-health-gate.sh');

export interface HealthGateProps {
  readonly topology: Topology;
  readonly frontDoor: FrontDoor;
  /** SSM parameter name of the admin password. */
  readonly adminPasswordParameter: string;
  /** Instance ids of the nodes: a replaced node re-runs the gate. */
  readonly nodeInstanceIds: readonly string[];
  /**
   * The environment CA's certificate (PEM, a reference to the tls provider's): with
   * `rabbitmq.tls: 'required'` the gate asks management over HTTPS (15671) and verifies the front
   * door's certificate against it. @default none (plaintext management)
   */
  readonly caCertPem?: string;
  /** The gate's bash script (HEALTH_GATE_SCRIPT's text): constructs read no files. */
  readonly script: string;
  /** What the gate waits for besides the front door (the nodes). */
  readonly dependsOn: readonly ITerraformDependable[];
  /**
   * How long to wait, seconds.
   * @default 900
   */
  readonly timeoutSeconds?: number;
}

export class HealthGate extends Construct {
  readonly resource: NullResource;
  /** The environment the local-exec gets (no secrets). */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: HealthGateProps) {
    super(scope, id);
    const t = props.topology;
    const timeout = props.timeoutSeconds ?? 900;
    if (!Number.isInteger(timeout) || timeout < 30) {
      throw new ConstructError(
        `HealthGate: timeoutSeconds ${timeout} is too short; give at least 30 (booting a cluster takes minutes)`,
      );
    }
    // With no plaintext listener the gate goes over HTTPS, verifying against the environment's CA.
    const https = !plaintextOn(t);
    if (https && props.caCertPem === undefined) {
      throw new ConstructError(
        `HealthGate: ${t.name} has rabbitmq.tls 'required' (management only over HTTPS); pass caCertPem, the environment CA's certificate`,
      );
    }
    this.environment = {
      WARREN_ENDPOINT: props.frontDoor.endpoint,
      WARREN_MANAGEMENT_PORT: String(https ? PORTS.managementTls : props.frontDoor.managementPort),
      ...(https ? { WARREN_MANAGEMENT_SCHEME: 'https', WARREN_CA_CERT: props.caCertPem! } : {}),
      WARREN_REGION: t.region,
      WARREN_ADMIN_USER: ADMIN_USERNAME,
      WARREN_ADMIN_PASSWORD_PARAMETER: props.adminPasswordParameter,
      WARREN_EXPECTED_NODES: t.rabbitmq.nodes.map((n) => rabbitNodeName(n.name)).join(' '),
      WARREN_REPLICATION: t.rabbitmq.replication,
      WARREN_GATE_TIMEOUT: String(timeout),
    };
    this.resource = new NullResource(this, 'wait', {
      triggers: { nodes: props.nodeInstanceIds.join(','), endpoint: props.frontDoor.endpoint },
      dependsOn: [...props.dependsOn, ...props.frontDoor.resources],
      provisioners: [
        {
          type: 'local-exec',
          interpreter: ['bash', '-c'],
          command: escapeTerraform(props.script),
          environment: this.environment,
        },
      ],
    });
  }
}
