/** One input, one output: how every OCR model is called, by the names its signature declares. */
import type { HostTensor, LoadedModel } from '../../runtime/types.js'

export const float = (shape: number[], data: Float32Array): HostTensor => ({ datatype: 'FP32', shape, data })

/** Runs a model of one input and one output. */
export async function runSingle(model: LoadedModel, input: HostTensor): Promise<HostTensor> {
  const inputName = (model.inputs[0] as { name: string }).name
  const outputName = (model.outputs[0] as { name: string }).name
  // The input is built for this call alone: it may move to the model's worker thread without a copy.
  const result = (await model.run({ [inputName]: input }, [outputName], { transfer: true }))[outputName]
  if (!result) throw new Error(`The model gave no '${outputName}'.`)
  return result
}
