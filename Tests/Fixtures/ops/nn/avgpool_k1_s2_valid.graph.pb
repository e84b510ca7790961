
;
x0Placeholder*
shape:*
dtype0
m
opAvgPoolx0*
paddingVALID*
data_formatNHWC*
strides
*
ksize
*
T0"ª