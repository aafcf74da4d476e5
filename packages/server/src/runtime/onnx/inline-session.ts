/**
 * One ONNX Runtime for Node session behind the `LoadedModel` interface, run on the calling thread
 * (onnxruntime-node's `run()` executes synchronously there). Used inline for tiny models and inside each
 * worker thread for the rest. This folder is the only importer of onnxruntime-node.
 */
import * as ort from 'onnxruntime-node'
import { badRequest } from '../../core/errors.js'
import type { RuntimeSettings } from '../settings.js'
import type { Datatype, HostTensor, LoadedModel, TensorMetadata } from '../types.js'
import { createOptimizedSession, type OptimizedModelCacheOptions } from './optimized-model-cache.js'

const toDatatype: Record<string, Datatype> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
  bfloat16: 'BF16',
}

const toOrtType = Object.fromEntries(Object.entries(toDatatype).map(([ort, oip]) => [oip, ort])) as Record<
  Datatype,
  ort.Tensor.Type
>

/** Session settings; batching and placement are applied by `onnxLoader`, not here. */
export type OnnxOptions = Omit<RuntimeSettings, 'batching' | 'placement' | 'workers'> &
  OptimizedModelCacheOptions

function describeValue(meta: ort.InferenceSession.ValueMetadata): TensorMetadata {
  if (!meta.isTensor) {
    throw new Error(`'${meta.name}' is not a tensor; only tensor inputs and outputs can be served.`)
  }
  const datatype = toDatatype[meta.type]
  if (!datatype) throw new Error(`'${meta.name}' has element type ${meta.type}, which cannot be served.`)
  // Symbolic and unknown dimensions arrive as strings; the protocol writes them as -1.
  return {
    name: meta.name,
    datatype,
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  }
}

function toHost(tensor: ort.Tensor): HostTensor {
  const datatype = toDatatype[tensor.type]
  if (!datatype) throw new Error(`The model produced a ${tensor.type} tensor, which cannot be served.`)
  return { datatype, shape: [...tensor.dims], data: tensor.data as HostTensor['data'] }
}

/** Loads an ONNX file into a session and describes its signature. */
export async function loadOnnxModel(file: string, options: OnnxOptions = {}): Promise<LoadedModel> {
  // One intra-op thread without spinning by default: with more, idle workers spin on the core that
  // serves HTTP, and runs got 2-4x slower whenever the other core was busy.
  const spinning = options.spinning ? '1' : '0'
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: options.interOpThreads ?? 1,
    executionMode: (options.interOpThreads ?? 1) > 1 ? 'parallel' : 'sequential',
    graphOptimizationLevel: options.optimization ?? 'all',
    extra: { session: { intra_op: { allow_spinning: spinning }, inter_op: { allow_spinning: spinning } } },
  }
  // From the saved optimized graph when there is one (see optimized-model-cache.ts).
  const { session } = await createOptimizedSession(file, sessionOptions, options)
  const inputs = session.inputMetadata.map(describeValue)
  const outputs = session.outputMetadata.map(describeValue)
  return {
    platform: 'onnx_onnxv1',
    placement: 'inline',
    inputs,
    outputs,
    async run(feeds, wanted, options) {
      const started = performance.now()
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, t] of Object.entries(feeds)) {
        ortFeeds[name] = new ort.Tensor(
          toOrtType[t.datatype] as ort.Tensor.Type,
          t.data as ort.Tensor.DataType,
          t.shape,
        )
      }
      let results: ort.InferenceSession.ReturnType
      const prepared = performance.now()
      try {
        results = await session.run(ortFeeds, wanted)
      } catch (error) {
        // Inputs that pass the declared signature can still be wrong for the graph (mismatched dynamic
        // dimensions that an operator cannot broadcast); ONNX Runtime reports those as INVALID_ARGUMENT,
        // or in 1.30 often without the code, and the caller can fix them.
        const message = (error as Error).message ?? ''
        if (/INVALID_ARGUMENT|invalid dimensions for input|Attempting to broadcast/.test(message)) {
          throw badRequest(
            'invalid_input',
            `The model cannot run on these inputs: ${message.replace(/^\[ONNXRuntimeError\][^:]*:[^:]*:\s*/, '')}`,
          )
        }
        throw error
      }
      const executed = performance.now()
      const out: Record<string, HostTensor> = {}
      for (const name of wanted) {
        const tensor = results[name]
        if (tensor) out[name] = toHost(tensor)
      }
      const times = options?.times
      if (times) {
        times.inputMs = prepared - started
        times.inferMs = executed - prepared
        times.outputMs = performance.now() - executed
      }
      return out
    },
    dispose: () => session.release(),
  }
}
