#!/bin/sh
# The seed paper's two experiments (DeVries et al. 2017, Figs. 2 and 3) and a canonical
# surrogate, end to end: exact data -> training (full, remainder and radial targets, same
# net) -> evaluation on the test grid -> figures -> model file. Results: bench/RESULTS.md
# (the shipped model's own recipe, a wider radial net trained longer, is there too).
#   SCALE (default 0.25: minutes) shrinks every grid axis; the recorded full-size run is
#   SCALE=1 EPOCHS=2 BATCH=2048 (about 45 min on 2 cores). SIZES / TEST_SIZES override single
#   axes ("NXY,ND,NT,NM,NK", '-' keeps the scaled size); EPOCHS, LAYERS, WIDTH, BATCH: the nets.
set -eu
SCALE=${SCALE:-0.25}
SIZES=${SIZES:--,-,-,-,-}
TEST_SIZES=${TEST_SIZES:--,-,-,-,-}
EPOCHS=${EPOCHS:-20}
LAYERS=${LAYERS:-6}
WIDTH=${WIDTH:-20}
BATCH=${BATCH:-256}
OUT=${OUT:-out/seed}
V=${VISCOANN:-viscoann}

$V generate "$OUT/train" --grid train --scale "$SCALE" --sizes="$SIZES"
$V generate "$OUT/test" --grid test --scale "$SCALE" --sizes="$TEST_SIZES"
$V generate "$OUT/radial" --grid radial --scale "$SCALE"
for target in remainder full radial; do
  data="$OUT/train"; [ $target = radial ] && data="$OUT/radial"
  $V train "$data" "$OUT/run_$target" --target $target --epochs "$EPOCHS" \
    --layers "$LAYERS" --width "$WIDTH" --batch-size "$BATCH" --lr 3e-3 --lr-final 1e-5
done
$V plot canonical "$OUT/test" remainder="$OUT/run_remainder" full="$OUT/run_full" \
  radial="$OUT/run_radial" --out "$OUT/figs"
$V plot curves "$OUT/figs/training_curves.png" remainder="$OUT/run_remainder" \
  full="$OUT/run_full" radial="$OUT/run_radial"
$V export "$OUT/run_radial" "$OUT/canonical.safetensors" --metrics "$OUT/figs/canonical_radial.json"
$V plot warmup "$OUT/figs"
