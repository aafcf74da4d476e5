export { type LocalEmbeddingsOptions, OnnxLocalEmbeddings } from './local-embeddings.js'
