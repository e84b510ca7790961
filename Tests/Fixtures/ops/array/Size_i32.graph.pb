
7
x0Placeholder*
shape:*
dtype0
'
opSizex0*
out_type0*
T0"ª