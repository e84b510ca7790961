
;
x0Placeholder*
dtype0*
shape:		%
m
opAvgPoolx0*
T0*
data_formatNHWC*
ksize
*
paddingVALID*
strides
"ª