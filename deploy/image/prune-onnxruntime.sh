#!/bin/sh
# Keeps only this platform's ONNX Runtime binaries in a production folder: the npm package ships them
# for every OS and CPU (288 MB), an image needs one set (~40 MB). Usage: prune-onnxruntime.sh APP_DIR [ARCH]
# ARCH is Docker's TARGETARCH (amd64 or arm64; default: this machine's).
set -eu
app="$1"
case "${2:-$(uname -m)}" in
  amd64 | x86_64) arch=x64 ;;
  arm64 | aarch64) arch=arm64 ;;
  *) echo "prune-onnxruntime: unsupported architecture '${2:-$(uname -m)}'" >&2; exit 1 ;;
esac
bin="$(cd "$app/node_modules/onnxruntime-node" && pwd -P)/bin/napi-v6"
find "$bin" -mindepth 2 -maxdepth 2 ! -path "$bin/linux/$arch" -exec rm -rf {} +
find "$bin" -mindepth 1 -maxdepth 1 -type d -empty -delete
test -f "$bin/linux/$arch/onnxruntime_binding.node" || {
  echo "prune-onnxruntime: no binding for linux/$arch in $bin" >&2
  exit 1
}
