#!/usr/bin/env bash
# Render every case file in a folder to PNG and PDF; a bad file is reported and skipped.
# Usage: examples/render_folder.sh [CASES_FOLDER] [OUTPUT_FOLDER]
set -u
cases=${1:-cases}
out=${2:-charts}
mkdir -p "$out"
failed=0
for case in "$cases"/*.yaml; do
  stem=$(basename "$case" .yaml)
  for fmt in png pdf; do
    if ! atc-timeline render "$case" -o "$out/$stem.$fmt"; then
      failed=$((failed + 1))
    fi
  done
done
echo "done: $failed failure(s)"
[ "$failed" -eq 0 ]
