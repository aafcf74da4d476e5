/**
 * The child side of the runner's job protocol, shared by every measuring child process: run each job's
 * warm-up, then the job, and send back its result (or the error); exit when the runner goes away.
 */
export interface TimedJob {
  seconds: number
  warmupSeconds: number
}

export function answerJobs<Job extends TimedJob, Result>(
  run: (job: Job, seconds: number) => Promise<Result>,
): void {
  process.on('message', async (message: { id: number; job: Job }) => {
    try {
      if (message.job.warmupSeconds > 0) await run(message.job, message.job.warmupSeconds)
      process.send?.({ id: message.id, result: await run(message.job, message.job.seconds) })
    } catch (error) {
      process.send?.({ id: message.id, error: String(error) })
    }
  })
  process.send?.({ ready: true })
  // The runner is gone (it was stopped or crashed): do not outlive it.
  process.on('disconnect', () => process.exit(0))
}
