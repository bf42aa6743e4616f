#!/usr/bin/env bash
# criteria.md §1.1: "a CI check fails on numeric literals in criterion comparisons".
# Thresholds, operators, windows and year counts live in seeds/criteria; this fails when a
# criteria macro or mart compares against a numeric literal other than 0 and 1.
set -euo pipefail
cd "$(dirname "$0")/.."
files=(macros/criteria/*.sql models/marts/criteria/*.sql models/intermediate/criteria/*.sql)
if grep -nEH '(<=|>=|<|>|=)[[:space:]]*-?([0-9]*\.[0-9]+|[2-9]|[0-9]{2,})\b' "${files[@]}" \
    | grep -vE ':[0-9]+:[[:space:]]*(--|\{#)'; then
    echo "numeric literal in a criteria comparison: move it to seeds/criteria" >&2
    exit 1
fi
echo "criteria literals: ok"
