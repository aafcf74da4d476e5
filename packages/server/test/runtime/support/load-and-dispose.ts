/** Loads a model into worker threads and disposes of it at once, while some threads still load. */
import { loadWorkerModel } from '../../../src/runtime/onnx/worker-session.js'

const [file, workers] = process.argv.slice(2)
const model = await loadWorkerModel(file as string, { workers: Number(workers) })
await model.dispose()
process.stdout.write('disposed\n')
