#!/bin/sh
# Prints the paths to give `kubenorm check` so that it reads EVERY file under FOLDER, one per line:
# FOLDER itself, then what the folder walk skips, so named explicitly: the top-most hidden entries (the walk
# skips hidden files and folders, e.g. kyverno's `.chainsaw-test/`) and files whose names it does not pick up
# (e.g. `*.jsonl`).
#
#   scripts/corpus-paths.sh FOLDER
set -eu
dir=$1
printf '%s\n' "$dir"
find "$dir" -mindepth 1 \( -name '.*' -prune -print \) -o \( -type f ! -iname '*.yaml' ! -iname '*.yml' \
    ! -iname '*.json' ! -iname '*dockerfile*' ! -name 'Containerfile*' -print \) | LC_ALL=C sort
