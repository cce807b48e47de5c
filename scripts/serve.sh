#!/bin/sh
# Runs the built server (dist/server/main.mjs) with the process settings its memory goal is measured
# with: `npm start` runs this after building, and bench/memory starts the server through it.
#
# - JavaScript heap budget: GOVSHARE_HEAP_MB, else package.json config.heapMb (npm passes it).
# - A small young generation (--max-semi-space-size=8): requests' short-lived objects are collected
#   sooner, for a smaller resident size.
# - --wasm-lazy-compilation: the embedded database (PGlite, WebAssembly) compiles a function when it
#   is first called; most of PostgreSQL's never are, and compiling all of it up front kept ~30 MB
#   more resident (bench/memory).
# - glibc malloc: two arenas instead of one per thread (8 × cores), and blocks of 128 KB and more
#   mapped on their own so that freeing them returns the memory. With the defaults, the ~100 MB V8
#   allocates outside its heap while the server starts (and frees once it runs) stayed resident,
#   fragmented over per-thread arenas, for the life of the process (~60 MB more in bench/memory).
#   Each can be overridden from the environment.
set -e
heap_mb="${GOVSHARE_HEAP_MB:-$npm_package_config_heapMb}"
if [ -z "$heap_mb" ]; then
  echo "serve.sh: set GOVSHARE_HEAP_MB (npm start passes package.json config.heapMb)" >&2
  exit 2
fi
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
cd "$(dirname "$0")/.."
exec node --max-old-space-size="$heap_mb" --max-semi-space-size=8 --wasm-lazy-compilation dist/server/main.mjs
