/**
 * Runs Silero VAD v5 over 16 kHz audio, one 512-sample window at a time. The model is recurrent: its
 * `state` output and the last 64 samples of each window (the context) feed the next window.
 */
import type { AbortSignalLike } from '../../core/cancellation.js'
import { unavailable } from '../../core/errors.js'
import type { HostTensor, LoadedModel } from '../../runtime/types.js'
import { MODEL_SAMPLE_RATE } from './resample.js'

export const WINDOW_SAMPLES = 512
const CONTEXT_SAMPLES = 64
const STATE_SIZE = 2 * 1 * 128

/** Checks that a loaded model has Silero v5's signature, so a replacement model fails clearly. */
export function checkSileroSignature(model: LoadedModel, name: string): void {
  const inputs = model.inputs.map((i) => i.name).sort()
  const outputs = model.outputs.map((o) => o.name)
  if (inputs.join() !== 'input,sr,state' || !outputs.includes('output') || !outputs.includes('stateN')) {
    throw unavailable(
      'model_signature_mismatch',
      `Model '${name}' is not a Silero VAD v5 model (inputs input, state, sr; outputs output, stateN).`,
    )
  }
}

/** Speech probability of each 512-sample window; the last window is padded with silence. */
export async function speechProbabilities(
  model: LoadedModel,
  audio: Float32Array,
  signal?: AbortSignalLike,
): Promise<Float32Array> {
  const windows = Math.ceil(audio.length / WINDOW_SAMPLES)
  const probabilities = new Float32Array(windows)
  const sampleRate: HostTensor = {
    datatype: 'INT64',
    shape: [],
    data: BigInt64Array.from([BigInt(MODEL_SAMPLE_RATE)]),
  }
  let state = new Float32Array(STATE_SIZE)
  let context = new Float32Array(CONTEXT_SAMPLES)
  for (let index = 0; index < windows; index++) {
    if (signal?.aborted) throw signal.reason
    const input = new Float32Array(CONTEXT_SAMPLES + WINDOW_SAMPLES)
    input.set(context, 0)
    input.set(audio.subarray(index * WINDOW_SAMPLES, (index + 1) * WINDOW_SAMPLES), CONTEXT_SAMPLES)
    const outputs = await model.run(
      {
        input: { datatype: 'FP32', shape: [1, input.length], data: input },
        state: { datatype: 'FP32', shape: [2, 1, 128], data: state },
        sr: sampleRate,
      },
      ['output', 'stateN'],
    )
    const { output, stateN } = outputs
    if (!output || !stateN) throw new Error('The VAD model returned no output or stateN.')
    probabilities[index] = (output.data as Float32Array)[0] ?? 0
    state = Float32Array.from(stateN.data as Float32Array)
    context = input.slice(input.length - CONTEXT_SAMPLES)
  }
  return probabilities
}
