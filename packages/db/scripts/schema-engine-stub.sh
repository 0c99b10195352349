#!/bin/sh
# Stands in for Prisma's native schema engine during `prisma generate` only (see generate.mjs).
echo "schema-engine-cli 0.0.0-stub"
