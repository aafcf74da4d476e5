export { createLocalProvider, type LocalProviderOptions } from './local-provider.js'
