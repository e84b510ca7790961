
;
x0Placeholder*
shape:*
dtype0
l
opAvgPoolx0*
T0*
data_formatNHWC*
paddingSAME*
ksize
*
strides
"ª