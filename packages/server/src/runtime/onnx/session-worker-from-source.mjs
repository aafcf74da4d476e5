// The worker entry when the server runs from its TypeScript sources (tests, the bench): worker threads
// do not inherit the loader that runs those, so this one registers tsx before it loads the real entry.
import { register } from 'tsx/esm/api'

register()
const { default: handle } = await import('./session-worker.ts')
export default handle
