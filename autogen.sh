#!/bin/sh
# Regenerates configure and Makefile.in (never committed: they are build outputs).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
