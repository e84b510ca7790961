
;
x0Placeholder*
shape:*
dtype0
m
opAvgPoolx0*
ksize
*
data_formatNHWC*
strides
*
paddingVALID*
T0"ª