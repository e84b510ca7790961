
;
x0Placeholder*
dtype0*
shape:%
l
opAvgPoolx0*
T0*
data_formatNHWC*
ksize
*
paddingSAME*
strides
"ª