import { didYouMean } from '../../config/did-you-mean.ts';
import { isOpenJob } from '../../line/job-board.ts';
import type { JobResumed } from '../../supervisor/operator.ts';
import { ConsoleUsageError } from '../errors.ts';
import { axisArg, axisIds, expectArgs, noArgCommand, quote } from './args.ts';
import { describeTransfer, renderJobs } from './axis-text.ts';
import { answer, type CommandSpec, type ConsoleServices } from './command.ts';

/** `word` when it names a job; else a usage error listing the jobs (and the likely one). */
function jobArg(services: ConsoleServices, spec: CommandSpec, word: string): string {
  const known = services.supervisor.jobs().map((j) => j.id);
  if (known.includes(word)) return word;
  throw new ConsoleUsageError(`${spec.name}: no job ${quote(word)}${didYouMean(word, known)}; known jobs: ${known.join(', ') || 'none'}`);
}

/** Where the resumed job now waits, and what must happen before its axis starts it. */
function whenItStarts(services: ConsoleServices, resumed: JobResumed): string {
  const { id, axis } = resumed.job;
  if (resumed.waitsFor) return `queued on ${axis}; it does not start yet: ${resumed.waitsFor}`;
  const ahead = services.supervisor
    .jobs()
    .filter((j) => j.axis === axis && isOpenJob(j))
    .findIndex((j) => j.id === id);
  return `queued on ${axis}; ${axis} runs it ${ahead > 0 ? `after the ${ahead} job${ahead === 1 ? '' : 's'} queued before it` : 'next'}`;
}

export const jobsResume: CommandSpec = {
  name: 'jobs resume',
  usage: 'jobs resume <job> [axis]',
  summary: 'queue a parked job again, on its axis or another, from its unfinished move',
  details: [
    'Default axis: the one the job was parked on. Refused unless the job is parked, or when the axis cannot take its remaining moves (travel, max speed).',
    'Nothing moves at once: the axis starts the job like any queued one, once it is at Standstill with its breaker closed (reset or release it first if it is not).',
  ],
  access: 'operate',
  complete: (index, _before, services) => {
    if (index === 0)
      return services.supervisor
        .jobs()
        .filter((j) => j.status === 'parked')
        .map((j) => j.id);
    return index === 1 ? axisIds(services) : [];
  },
  run(args, { services, session }) {
    expectArgs(jobsResume, args, 1, 2);
    const jobId = jobArg(services, jobsResume, args[0]!);
    const axisId = args[1] === undefined ? undefined : axisArg(services, jobsResume, args[1]);
    const resumed = services.supervisor.operator.resume(jobId, axisId, session.by);
    return answer(`${jobId}: ${describeTransfer(resumed.transfer)}`, `  ${whenItStarts(services, resumed)}`);
  },
};

export const jobs = noArgCommand(
  {
    name: 'jobs',
    usage: `jobs | ${jobsResume.usage}`,
    summary: 'every job: where it is, how far, transfers, why parked',
    details: [
      'A job that could not be handed to a healthy fallback is parked with the reason; nothing is dropped. `jobs resume` queues a parked job again.',
    ],
    access: 'read',
  },
  ({ services }) => renderJobs(services.supervisor.jobs()),
);

export const freshLineState: CommandSpec = {
  name: 'fresh',
  usage: 'fresh',
  summary: 'start a new line state: the next start takes over nothing from before now',
  details: [
    'A restart normally takes over the line state from the journal: latched trips, disables, isolation holds, done and parked jobs, and parks interrupted ones.',
    'After `fresh` (journalled with your name) the next start begins as if new: every job queued from its first move. This run goes on as it is.',
  ],
  access: 'operate',
  run(args, { services, session }) {
    expectArgs(freshLineState, args, 0);
    return {
      kind: 'confirm',
      question:
        'fresh: the next start will run every job again from its first move and forget latched trips, disables and isolations. Type yes to confirm:',
      action: async () => {
        services.supervisor.operator.freshLineState(session.by);
        return ['new line state started: the next start takes over nothing from before now'];
      },
    };
  },
};
