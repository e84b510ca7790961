
;
x0Placeholder*
shape:*
dtype0
l
opAvgPoolx0*
paddingSAME*
data_formatNHWC*
strides
*
ksize
*
T0"ª