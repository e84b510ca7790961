
;
x0Placeholder*
shape:*
dtype0
m
opAvgPoolx0*
ksize
*
data_formatNHWC*
T0*
paddingVALID*
strides
"ª