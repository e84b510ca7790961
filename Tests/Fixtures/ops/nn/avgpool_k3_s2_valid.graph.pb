
;
x0Placeholder*
shape:		*
dtype0
m
opAvgPoolx0*
strides
*
data_formatNHWC*
paddingVALID*
ksize
*
T0"ª