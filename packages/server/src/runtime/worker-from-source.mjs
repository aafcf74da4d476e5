// The entry of every worker thread when the server runs from its TypeScript sources (tests, the bench):
// worker threads do not inherit the loader that runs those, so this one registers tsx, then loads the
// real entry that `workerPool` named in the thread's data.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { default: handle } = await import(workerData.entry)
export default handle
