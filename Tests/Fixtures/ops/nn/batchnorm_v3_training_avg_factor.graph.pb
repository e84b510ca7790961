
;
x0Placeholder*
shape:*
dtype0
/
x1Placeholder*
shape:*
dtype0
/
x2Placeholder*
shape:*
dtype0
/
x3Placeholder*
shape:*
dtype0
/
x4Placeholder*
shape:*
dtype0
™
opFusedBatchNormV3x0x1x2x3x4*
data_formatNHWC*
T0*
U0*
epsilon%oƒ:*
is_training(*
exponential_avg_factor%š™™>"ª