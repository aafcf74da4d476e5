/**
 * Choosing the next token from a row of logits, as OpenAI's parameters describe it: frequency and
 * presence penalties on tokens already generated, then greedy at temperature 0, else temperature,
 * top-k and top-p (nucleus) filtering and a draw from a seeded generator. Log probabilities are those of
 * the penalized distribution before temperature, i.e. what the model itself gives.
 */
import { seededRandom } from '../seeded-random.js'
import type { SampledToken, SamplingParameters, TokenLogprob } from './generation-protocol.js'

export class Sampler {
  readonly #parameters: SamplingParameters
  readonly #random: () => number
  readonly #counts = new Map<number, number>()
  readonly #topLogprobs: number | undefined

  constructor(parameters: SamplingParameters, topLogprobs?: number) {
    this.#parameters = parameters
    this.#random = seededRandom(parameters.seed)
    this.#topLogprobs = topLogprobs
  }

  /** Picks a token from `logits` (modified in place) and remembers it for the penalties. */
  next(logits: Float32Array): SampledToken {
    this.#penalize(logits)
    const { temperature } = this.#parameters
    const id = temperature === 0 ? argmax(logits) : this.#draw(logits, temperature)
    this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1)
    if (this.#topLogprobs === undefined) return { id, logprob: 0 }
    const logNormalizer = logSumExp(logits)
    const token: SampledToken = { id, logprob: (logits[id] as number) - logNormalizer }
    if (this.#topLogprobs > 0) token.top = topK(logits, this.#topLogprobs, logNormalizer)
    return token
  }

  #penalize(logits: Float32Array): void {
    const { frequencyPenalty, presencePenalty } = this.#parameters
    if (frequencyPenalty === 0 && presencePenalty === 0) return
    for (const [id, count] of this.#counts) {
      if (id < logits.length) logits[id] = (logits[id] as number) - count * frequencyPenalty - presencePenalty
    }
  }

  #draw(logits: Float32Array, temperature: number): number {
    const { topK: k, topP } = this.#parameters
    let max = Number.NEGATIVE_INFINITY
    for (const v of logits) if (v > max) max = v
    // Tokens more than 30 nats below the best weigh under 1e-13 each: leaving them out changes the
    // distribution by less than float precision, and spares sorting a 150k vocabulary every step.
    const floor = max - 30 * temperature
    let order: number[] = []
    for (let i = 0; i < logits.length; i++) if ((logits[i] as number) >= floor) order.push(i)
    order.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b)
    if (k > 0 && k < order.length) order = order.slice(0, k)
    const weights = order.map((i) => Math.exp(((logits[i] as number) - max) / temperature))
    const total = weights.reduce((a, b) => a + b, 0)
    let kept = order.length
    if (topP < 1) {
      let cumulative = 0
      for (let i = 0; i < order.length; i++) {
        cumulative += (weights[i] as number) / total
        if (cumulative >= topP) {
          kept = i + 1
          break
        }
      }
    }
    let keptTotal = 0
    for (let i = 0; i < kept; i++) keptTotal += weights[i] as number
    let target = this.#random() * keptTotal
    for (let i = 0; i < kept; i++) {
      target -= weights[i] as number
      if (target < 0) return order[i] as number
    }
    return order[kept - 1] as number
  }
}

/** The first index of the largest value, as transformers.js and PyTorch pick. */
export function argmax(values: Float32Array): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i
  return best
}

function logSumExp(values: Float32Array): number {
  let max = Number.NEGATIVE_INFINITY
  for (const v of values) if (v > max) max = v
  let sum = 0
  for (const v of values) sum += Math.exp(v - max)
  return max + Math.log(sum)
}

function topK(values: Float32Array, k: number, logNormalizer: number): TokenLogprob[] {
  const best: TokenLogprob[] = []
  for (let id = 0; id < values.length; id++) {
    const logprob = (values[id] as number) - logNormalizer
    if (best.length < k || logprob > (best[best.length - 1] as TokenLogprob).logprob) {
      best.push({ id, logprob })
      best.sort((a, b) => b.logprob - a.logprob)
      if (best.length > k) best.pop()
    }
  }
  return best
}
