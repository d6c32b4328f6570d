import path from 'node:path';
import { IMAGE_ROLES, isImageRole } from '../../images';
import { parseFlags, type Command } from '../command';
import { bake } from '../../aws';
import { UserError } from '../../topology';
import { ENV_FLAGS, ENV_HELP, selectEnvironment } from '../../workspace';

export const bakeCommand: Command = {
  name: 'bake',
  summary: 'build the AMIs with Packer',
  help: `Usage: warren bake [--env NAME | --topology FILE] [--role ROLE]

Writes the Packer templates (images/out/<env>/<role>/), then for each role runs packer init and
packer build there, streaming Packer's output, and pins the AMI ids per role and region in
<stem>.images.json next to the environment file (environments/dev.ts → environments/dev.images.json),
which the stacks deploy. Commit that file: every machine then deploys the same AMIs.

Before doing anything it checks for Packer ≥ 1.7 (WARREN_PACKER or packer on PATH) and AWS
credentials (AWS_* variables, AWS_PROFILE, ~/.aws/credentials or ~/.aws/config), and refuses with
what is missing and how to get it. Building costs money: one instance per role while it runs.
Packer variables (region, instance_type, subnet_id) can be set with PKR_VAR_<name>.

Options:
${ENV_HELP}
  -r, --role ROLE        only this role (${IMAGE_ROLES.join(' or ')}; default: every role the environment launches)
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, { ...ENV_FLAGS, role: { type: 'string', short: 'r' } });
    const role = values.role;
    if (role !== undefined && !isImageRole(role)) {
      throw new UserError(`--role must be ${IMAGE_ROLES.join(' or ')}, not '${role}'`);
    }
    const loaded = selectEnvironment(values);
    const result = await bake(loaded, role ? { role } : {});
    console.log(
      `${path.relative(process.cwd(), result.manifestPath)}: ${JSON.stringify(result.manifest.amis)}`,
    );
    return 0;
  },
};
