
;
x0Placeholder*
shape:*
dtype0
l
opAvgPoolx0*
strides
*
data_formatNHWC*
paddingSAME*
ksize
*
T0"ª