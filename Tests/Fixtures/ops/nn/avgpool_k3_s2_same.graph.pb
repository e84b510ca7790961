
;
x0Placeholder*
shape:*
dtype0
l
opAvgPoolx0*
ksize
*
data_formatNHWC*
T0*
paddingSAME*
strides
"ª