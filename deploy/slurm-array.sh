#!/usr/bin/env bash
# docgen over a province's pairings as a Slurm job array: task I of N makes 1/N of the pairings
# (`--shard N` reads I from SLURM_ARRAY_TASK_ID; the array must be numbered from 0), all into one
# shared output folder. Task 0 also makes the bureau's documents and bundle.
#
#   sbatch deploy/slurm-array.sh            # N = 4; change --array and SHARDS together
#SBATCH --job-name=docgen-bundle
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=docgen-%A_%a.log
set -euo pipefail
SHARDS=4
DATA=${DATA:-/shared/docgen/data}
OUT=${OUT:-/shared/docgen/out}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1577836800}   # the same dates in every task's files
exec docgen bundle "$DATA" -o "$OUT" --shard "$SHARDS" -j "${SLURM_CPUS_PER_TASK:-2}"
