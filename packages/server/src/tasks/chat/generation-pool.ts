/**
 * A chat model's generation workers: `model.json` `workers` sessions of the same file, each in its own
 * thread, so that on a machine with cores to spare several sequences decode at once. A generation goes
 * to the least loaded; the model's limits are shared out between them.
 */
import {
  type GenerationInput,
  GenerationSession,
  type GenerationSessionOptions,
  type GenerationStream,
} from '../../runtime/onnx/generation-session.js'

export class GenerationPool {
  readonly #sessions: GenerationSession[]

  private constructor(sessions: GenerationSession[]) {
    this.#sessions = sessions
  }

  static async start(options: GenerationSessionOptions, workers: number): Promise<GenerationPool> {
    const share = (total: number | undefined, fallback: number) => Math.ceil((total ?? fallback) / workers)
    const each = {
      ...options,
      maxActive: Math.max(1, share(options.maxActive, 4)),
      maxQueue: share(options.maxQueue, 16),
    }
    const started = await Promise.allSettled(
      Array.from({ length: workers }, () => GenerationSession.start(each)),
    )
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    const sessions = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    if (failed) {
      await Promise.all(sessions.map((s) => s.close()))
      throw failed.reason
    }
    return new GenerationPool(sessions)
  }

  /** Each worker's generations, running and waiting. */
  get loads(): Array<{ active: number; queued: number }> {
    return this.#sessions.map((s) => s.load)
  }

  get load(): { active: number; queued: number } {
    return this.#sessions.reduce(
      (sum, s) => ({ active: sum.active + s.load.active, queued: sum.queued + s.load.queued }),
      { active: 0, queued: 0 },
    )
  }

  /** Starts a generation on the least loaded worker; 429 when that one is full too. */
  generate(input: GenerationInput): GenerationStream {
    const weight = (s: GenerationSession) => s.load.active + s.load.queued
    const least = this.#sessions.reduce((best, s) => (weight(s) < weight(best) ? s : best))
    return least.generate(input)
  }

  async close(): Promise<void> {
    await Promise.all(this.#sessions.map((s) => s.close()))
  }
}
