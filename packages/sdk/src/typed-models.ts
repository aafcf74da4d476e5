/**
 * The runtime of generated model functions (`modelport-gen-client`): each deployed model becomes a
 * function typed by its metadata, e.g. `models.simplenet({ x })`.
 */
import { ApiPromise } from './api-promise.js'
import type { RequestOptions } from './client.js'
import type { InferRequest, InferResult } from './infer.js'
import { type Datatype, type DatatypeInputs, inferShape, type TensorInput } from './tensor/tensor.js'

/** An input given with its shape. */
export interface ShapedInput<D extends Datatype, Shape extends number[]> {
  data: DatatypeInputs[D]
  shape: Shape
}

/** An input given bare (its shape worked out from the model's) or with its shape. */
export type ModelInput<D extends Datatype, Shape extends number[]> = DatatypeInputs[D] | ShapedInput<D, Shape>

/** A deployed model's name on the server and its inputs' declared datatypes and shapes (`-1` is dynamic). */
export interface ModelSignature {
  name: string
  inputs: Record<string, readonly [Datatype, readonly number[]]>
}

/** Options of a generated model function: per-call request options and the inference ones. */
export interface ModelCallOptions<Version extends string = string, Output extends PropertyKey = string>
  extends RequestOptions,
    Pick<InferRequest, 'id' | 'parameters' | 'binary'> {
  /** A version the model had when the functions were generated; the newest when omitted. */
  version?: Version
  /** The outputs to compute and return; all when omitted. */
  outputs?: readonly Output[]
}

/**
 * A generated model function: typed inputs in, typed outputs out; `outputs` narrows the result to those named.
 * @example
 * const { y } = await models.simplenet({ x }, { outputs: ['y'] })
 */
export type ModelFunction<Inputs, Outputs, Version extends string = string> = <
  Output extends keyof Outputs = keyof Outputs,
>(
  inputs: Inputs,
  options?: ModelCallOptions<Version, Output>,
) => ApiPromise<Pick<Outputs, Output>>

/** What the functions call: a client's `infer`. */
export interface Infers {
  infer(model: string, request: InferRequest, opts?: RequestOptions): ApiPromise<InferResult>
}

/** One typed function per signature, calling `client.infer` with the declared datatypes and shapes. */
export function bindModels<Models>(client: Infers, signatures: Record<keyof Models, ModelSignature>): Models {
  // Untyped inside: `Models` says which outputs each call returns.
  const models: Record<
    string,
    (inputs: Record<string, TensorInput>, options?: ModelCallOptions) => ApiPromise<unknown>
  > = {}
  for (const [key, { name: model, inputs: declared }] of Object.entries<ModelSignature>(signatures)) {
    models[key] = (inputs, options = {}) => {
      const { version, id, parameters, binary, outputs, ...opts } = options
      const tensors: Record<string, TensorInput> = {}
      for (const [name, input] of Object.entries(inputs)) {
        const given = Array.isArray(input) || ArrayBuffer.isView(input) ? { data: input } : input
        const [datatype, shape] = declared[name] ?? []
        tensors[name] = {
          ...given,
          datatype: given.datatype ?? datatype,
          // An input that does not fit fails in `infer` with the declared shape in its message.
          shape: given.shape ?? (shape && (inferShape([...shape], given.data.length) ?? [...shape])),
        }
      }
      // Left undefined when not given, so the request asks for every output.
      const request: InferRequest = {
        inputs: tensors,
        version,
        id,
        parameters,
        binary,
        outputs: outputs && [...outputs],
      }
      return new ApiPromise(
        client
          .infer(model, request, opts)
          .withResponse()
          .then(({ data, response }) => ({ data: data.outputs, response })),
      )
    }
  }
  return models as Models
}
