/**
 * Quality monitoring from feedback: each answered request is kept for a while under its request id;
 * ground truth sent later for that id (a label, a value, or a score) is scored against what the version
 * that answered said, into live quality per model version. The inputs each version is sent are
 * compared with a reference recorded when it began serving (input drift). Memory is bounded by the
 * pending window and capacity, and by the number of versions and inputs. Runtime-agnostic.
 */
import type { components } from '@modelport/sdk'
import { type Clock, systemClock } from '../core/clock.js'
import { badRequest, notFound } from '../core/errors.js'
import type { HostTensor } from '../runtime/types.js'
import type { FeedbackSettings } from './feedback-settings.js'
import { InputDrift } from './input-drift.js'
import { type PendingAnswer, PendingAnswers } from './pending-answers.js'
import { QualityTally } from './quality-tally.js'

export type Feedback = components['schemas']['FeedbackRequest']
export type FeedbackResult = components['schemas']['FeedbackResponse']

export interface QualityOptions {
  clock?: Clock
  /** How long an answer waits for its feedback, unless its model's `feedback` says (default 10 minutes). */
  windowMs?: number
  /**
   * Most answers of one model waiting at once, unless its `feedback` says; the oldest is forgotten first
   * (default 20 000: about 7 MB with small outputs).
   */
  capacity?: number
  /** Answers whose first output has more elements than this keep none, and take only scores (default 4096). */
  maxElements?: number
  /** Values of each input that make a version's drift reference (default 10 000). */
  referenceSize?: number
}

/** Quality and drift of one model version. */
export interface VersionQuality {
  model: string
  version: string
  tally: QualityTally
  inputs: Map<string, InputDrift>
}

/** Inputs followed for drift per version; a model with more has the first ones followed. */
const MAX_INPUTS = 16

const isInteger = (datatype: string) => /^U?INT/.test(datatype)

export class QualityMonitor {
  /** Per model that keeps its answers for feedback (`model.json` `feedback`). */
  readonly #pending = new Map<string, PendingAnswers>()
  /** Answers forgotten by stores since dropped. */
  #expiredBefore = 0
  readonly #versions = new Map<string, VersionQuality>()
  readonly #clock: Clock
  readonly #maxElements: number
  readonly #referenceSize: number
  readonly windowMs: number
  readonly capacity: number

  constructor(options: QualityOptions = {}) {
    this.#clock = options.clock ?? systemClock
    this.windowMs = options.windowMs ?? 600_000
    this.capacity = options.capacity ?? 20_000
    this.#maxElements = options.maxElements ?? 4096
    this.#referenceSize = options.referenceSize ?? 10_000
  }

  /** Answers waiting for feedback now, and how many were forgotten without. */
  get pending(): { waiting: number; expired: number } {
    let waiting = 0
    let expired = this.#expiredBefore
    for (const store of this.#pending.values()) {
      waiting += store.size
      expired += store.expired
    }
    return { waiting, expired }
  }

  /** Keeps a model's answers for feedback, or stops (`undefined`); answers already kept stay unless the limits change. */
  configure(model: string, settings: FeedbackSettings | undefined): void {
    const current = this.#pending.get(model)
    if (!settings) {
      if (current) this.#expiredBefore += current.expired + current.size
      this.#pending.delete(model)
      return
    }
    const windowMs = settings.windowMs ?? this.windowMs
    const capacity = settings.capacity ?? this.capacity
    if (current?.windowMs === windowMs && current.capacity === capacity) return
    if (current) this.#expiredBefore += current.expired + current.size
    this.#pending.set(model, new PendingAnswers({ windowMs, capacity }))
  }

  /** Records an answered request: its first output for feedback to come, its inputs for drift. */
  served(
    id: string,
    model: string,
    version: string,
    inputs: Record<string, HostTensor>,
    output: HostTensor | undefined,
  ): void {
    const quality = this.#version(model, version)
    for (const [name, tensor] of Object.entries(inputs)) {
      if (tensor.datatype === 'BYTES' || tensor.datatype === 'BOOL') continue
      let drift = quality.inputs.get(name)
      if (!drift && quality.inputs.size < MAX_INPUTS) {
        drift = new InputDrift(this.#referenceSize)
        quality.inputs.set(name, drift)
      }
      drift?.add(tensor.data as ArrayLike<number | bigint>)
    }
    this.#pending.get(model)?.add(id, this.#answer(model, version, output))
  }

  /**
   * Records the shadow version's answer to a request already recorded, for its feedback to score both.
   * Nothing when the request's answer is no longer waiting.
   */
  shadowServed(id: string, model: string, version: string, output: HostTensor | undefined): void {
    const answer = this.#pending.get(model)?.get(id, this.#clock.now())
    if (answer?.model === model && answer.version !== version)
      answer.shadow = this.#answer(model, version, output)
  }

  #answer(model: string, version: string, output: HostTensor | undefined): PendingAnswer {
    const kept = output && output.datatype !== 'BYTES' && output.data.length <= this.#maxElements
    // A plain array on the heap: small typed arrays cost as much in their own objects, and their bytes
    // outside the heap are freed late, so what the pending answers hold could not be read off the heap.
    const elements = kept ? copy(output.data as ArrayLike<number | bigint>) : undefined
    const rows = output && output.shape.length > 1 ? (output.shape[0] as number) : 1
    const integer = output !== undefined && isInteger(output.datatype)
    return { model, version, at: this.#clock.now(), elements, rows, integer }
  }

  /** Scores ground truth against the answer to request `id`; 404 when no answer of `model` waits under that id. */
  feedback(model: string, feedback: Feedback): FeedbackResult {
    const given = [feedback.label, feedback.value, feedback.score].filter((v) => v !== undefined).length
    if (given !== 1) throw badRequest('invalid_feedback', 'Give exactly one of label, value and score.')
    // Checked here, not in the schema: a length there makes the generated validator need CommonJS.
    if (feedback.id.length === 0 || feedback.id.length > 255)
      throw badRequest('invalid_feedback', 'id must be a request id of 1 to 255 characters.', 'id')
    const store = this.#pending.get(model)
    if (!store)
      throw notFound(
        'feedback_not_enabled',
        `Model '${model}' does not keep its answers for feedback: add "feedback": true to its model.json.`,
        'model',
      )
    const answer = store.get(feedback.id, this.#clock.now())
    if (!answer)
      throw notFound(
        'answer_not_found',
        `No answer of model '${model}' waits for feedback under request id '${feedback.id.slice(0, 256)}': it is unknown, had feedback already, or is older than ${store.windowMs} ms.`,
        'id',
      )
    // Refused feedback (it throws) leaves the answer waiting, so it can be sent again, corrected.
    const result = this.#score(answer, feedback)
    store.delete(feedback.id)
    if (answer.shadow) {
      try {
        this.#score(answer.shadow, feedback)
      } catch {
        // The shadow's answer had another shape: the feedback fits the answer the client got, and that counts.
      }
    }
    return result
  }

  /** Every model version with quality or drift figures, for the metrics and the statistics. */
  versions(): Iterable<VersionQuality> {
    return this.#versions.values()
  }

  of(model: string, version: string): VersionQuality | undefined {
    return this.#versions.get(`${model}\u0000${version}`)
  }

  #score(answer: PendingAnswer, feedback: Feedback): FeedbackResult {
    const { tally } = this.#version(answer.model, answer.version)
    const head = { model_name: answer.model, model_version: answer.version, id: feedback.id }
    if (feedback.score !== undefined) {
      tally.addScore(feedback.score)
      return { ...head, rows: answer.rows, score: feedback.score }
    }
    const elements = answer.elements
    if (!elements)
      throw badRequest(
        'answer_not_kept',
        `The answer to request '${feedback.id}' had more than ${this.#maxElements} output elements and was not kept; send a score.`,
      )
    if (feedback.label !== undefined) {
      const labels = Array.isArray(feedback.label) ? feedback.label : [feedback.label]
      const predicted = answer.integer ? Array.from(elements) : argmaxRows(elements, answer.rows)
      if (labels.length !== predicted.length)
        throw badRequest(
          'feedback_shape_mismatch',
          `The answer to request '${feedback.id}' had ${predicted.length} rows; give ${predicted.length} labels (got ${labels.length}).`,
          'label',
        )
      const correct = tally.addLabels(predicted, labels)
      return { ...head, rows: labels.length, correct }
    }
    const values = Array.isArray(feedback.value) ? feedback.value : [feedback.value as number]
    if (values.length !== elements.length)
      throw badRequest(
        'feedback_shape_mismatch',
        `The answer to request '${feedback.id}' had ${elements.length} output elements; give ${elements.length} values (got ${values.length}).`,
        'value',
      )
    const meanAbsoluteError = tally.addValues(elements, values)
    return { ...head, rows: answer.rows, mean_absolute_error: meanAbsoluteError }
  }

  #version(model: string, version: string): VersionQuality {
    const key = `${model}\u0000${version}`
    let quality = this.#versions.get(key)
    if (!quality) {
      quality = { model, version, tally: new QualityTally(), inputs: new Map() }
      this.#versions.set(key, quality)
    }
    return quality
  }
}

/** The values as numbers, in an array allocated at its exact length. */
function copy(data: ArrayLike<number | bigint>): number[] {
  const values = new Array<number>(data.length)
  for (let i = 0; i < data.length; i++) values[i] = Number(data[i])
  return values
}

/** The class each row predicts: the index of its largest element. */
function argmaxRows(elements: number[], rows: number): number[] {
  const width = elements.length / rows
  const labels: number[] = []
  for (let row = 0; row < rows; row++) {
    let best = 0
    for (let i = 1; i < width; i++)
      if ((elements[row * width + i] as number) > (elements[row * width + best] as number)) best = i
    labels.push(best)
  }
  return labels
}
