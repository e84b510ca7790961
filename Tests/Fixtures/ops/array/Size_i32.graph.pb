
7
x0Placeholder*
dtype0*
shape:
'
opSizex0*
T0*
out_type0"ª