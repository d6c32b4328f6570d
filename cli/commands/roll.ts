import { rollAws } from '../../aws/roll-aws';
import { parseFlags, type Command } from '../command';
import { ENV_FLAGS, ENV_HELP, selectEnvironment } from '../../workspace';

export const rollCommand: Command = {
  name: 'roll',
  summary: 'bring deployed hosts up to date one at a time (new image, user-data, instance type)',
  help: `Usage: warren roll [--env NAME | --topology FILE] [--dry-run] [--host HOST]... [--out DIR]

Compares each deployed host's image, user-data and instance type (the Terraform state, read with
terraform show -json) with the synthesized stack (<out>/stacks/warren-<env>/cdk.tf.json; run
warren synth first) and prints the hosts that differ and why. Then replaces them one at a time:
RabbitMQ nodes first (the one leading the fewest queues first), then the keepalived backup, the
VIP holder last. Before each node the cluster must be healthy (every node running, no alarms, no
partitions) and stopping the node must lose no quorum and no last synchronised mirror; after the
replace (terraform apply -replace=ADDRESS -target=ADDRESS in the stack directory) it waits until
the node runs in the cluster again with its mirrors synchronised or quorum replicas online.

It stops at the first failure, saying what is wrong and what to do; run it again to continue:
hosts already up to date are skipped. It never creates or removes hosts: when the set of hosts
changed it says what that implies and stops (see docs/stacks.md "warren roll").

Needs Terraform on PATH, the AWS CLI with credentials that read /warren/<env>/admin-password from
SSM, and this machine reaching every node's management port (15672; access.adminCidrs).

Options:
${ENV_HELP}
      --dry-run          print what differs (and a changed host set) and stop; changes nothing
      --host HOST        only this host (repeatable; default: every host that differs)
  -o, --out DIR          the cdktf output directory (default: cdktf.out)
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...ENV_FLAGS,
      'dry-run': { type: 'boolean' },
      host: { type: 'string', multiple: true },
      out: { type: 'string', short: 'o' },
    });
    const loaded = selectEnvironment(values);
    await rollAws(loaded, {
      ...(values['dry-run'] ? { dryRun: true } : {}),
      ...(values.host ? { hosts: values.host } : {}),
      ...(values.out !== undefined ? { outdir: values.out } : {}),
      rerun: `warren roll ${values.topology !== undefined ? `--topology ${values.topology}` : `--env ${loaded.topology.name}`}${values.out !== undefined ? ` --out ${values.out}` : ''}`,
    });
    return 0;
  },
};
