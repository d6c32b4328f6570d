/**
 * `warren bench` (`npm run bench`): boot, failover, backend-down, throughput and synth timings on the
 * lab, plus every failure drill's message counts. A table, or with --json exactly one JSON object on
 * stdout; progress always goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { formatBench, runBench } from '../../lab/drills/bench';
import { renderTimelineSvg, type TimelinePlot } from '../../lab/drills/timeline-svg';
import { parseFlags, type Command } from '../command';
import { UserError } from '../../topology';
import { ENV_FLAGS, ENV_HELP, selectEnvironment } from '../../workspace';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure boot, failover and throughput on the lab, and run the failure drills',
  help: `Usage: warren bench [--env NAME | --topology FILE] [--json] [--repeat N] [--no-boot] [--no-drills] [--drill NAME]…
                    [--plot FILE] [--down]

Measures the lab against the targets (boot to healthy ≤ 30 s, VIP outage ≤ 2 s, dead backend marked
down ≤ 2 s, front-door throughput ≥ 90 % of direct, 0 lost messages) and runs the failure drills.
Timed figures are repeated (--repeat) and reported as medians. Boot is measured by taking the lab
down and up again. Needs root (it drives the lab). Takes 10–25 minutes with the drills.

Options:
${ENV_HELP}
      --json             exactly one JSON object on stdout (progress on stderr)
      --repeat N         repetitions of each timed figure (default 3)
      --no-boot          measure on the running lab, without the boot figure
      --no-drills        skip the failure drills
      --drill NAME       run only this drill (repeatable)
      --plot FILE        write the VIP failover timeline (publish rate, outage) as SVG
      --down             take the lab down at the end
  -h, --help             this text`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...ENV_FLAGS,
      json: { type: 'boolean' },
      repeat: { type: 'string' },
      'no-boot': { type: 'boolean' },
      'no-drills': { type: 'boolean' },
      drill: { type: 'string', multiple: true },
      plot: { type: 'string' },
      down: { type: 'boolean' },
    });
    const repeat = values.repeat === undefined ? 3 : Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
      throw new UserError(`--repeat must be a whole number from 1 to 20, got '${values.repeat}'`);
    }
    const loaded = selectEnvironment(values);
    if (process.getuid?.() !== 0)
      throw new UserError('warren bench drives the lab and needs root; run it with sudo');
    let plot: TimelinePlot | undefined;
    const report = await runBench(loaded, {
      repeat,
      boot: !values['no-boot'],
      drills: !values['no-drills'],
      only: values.drill,
      down: values.down,
      log: (line) => process.stderr.write(`bench: ${line}\n`),
      onTimeline: (p) => (plot = p),
    });
    if (values.plot) {
      if (plot) {
        writeFileSync(values.plot, renderTimelineSvg(plot));
        process.stderr.write(`bench: wrote ${values.plot}\n`);
      } else {
        process.stderr.write(
          'bench: no failover timeline measured (no keepalived front door); no plot written\n',
        );
      }
    }
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatBench(report)}\n`);
    return 0;
  },
};
