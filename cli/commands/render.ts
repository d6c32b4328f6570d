import { PLATFORMS, renderHostFiles, renderUserData, type Platform } from '../../cloudinit';
import { hostsOf } from '../../topology';
import { parseFlags, type Command } from '../command';
import { UserError } from '../../topology';
import { ENV_FLAGS, ENV_HELP, selectEnvironment } from '../../workspace';

export const renderCommand: Command = {
  name: 'render',
  summary: "print one host's user-data, or one rendered file",
  help: `Usage: warren render [--env NAME | --topology FILE] --host HOST [--file PATH] [--platform aws|lab]

Prints the user-data of HOST exactly as the instance gets it (#cloud-config), or with --file
one of the files it writes, e.g. --file /etc/haproxy/haproxy.cfg. Secrets are never printed:
the user-data names them (SSM parameters on AWS, files in the lab) and the boot scripts read them.

Options:
${ENV_HELP}
  -H, --host HOST        a host of the environment (see warren topology)
  -f, --file PATH        print this rendered file instead of the user-data
  -p, --platform NAME    aws (default) or lab: only /etc/warren/platform.env differs
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...ENV_FLAGS,
      host: { type: 'string', short: 'H' },
      file: { type: 'string', short: 'f' },
      platform: { type: 'string', short: 'p' },
    });
    const t = selectEnvironment(values).topology;
    const hosts = hostsOf(t).map((h) => h.name);
    if (values.host === undefined) {
      throw new UserError(`--host is required; hosts of ${t.name}: ${hosts.join(', ')}`);
    }
    if (!hosts.includes(values.host)) {
      throw new UserError(
        `environment ${t.name} has no host '${values.host}'; use one of: ${hosts.join(', ')}`,
      );
    }
    const platform = (values.platform ?? 'aws') as Platform;
    if (!PLATFORMS.includes(platform)) {
      throw new UserError(`--platform must be one of: ${PLATFORMS.join(', ')} (got '${values.platform}')`);
    }
    if (values.file === undefined) {
      process.stdout.write(renderUserData(t, values.host, platform));
      return 0;
    }
    const files = renderHostFiles(t, values.host, platform);
    const file = files.find((f) => f.path === values.file);
    if (!file) {
      throw new UserError(
        `${values.host} has no rendered file ${values.file}; its files: ${files.map((f) => f.path).join(', ')}`,
      );
    }
    process.stdout.write(file.content);
    return 0;
  },
};
