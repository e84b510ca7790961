
;
x0Placeholder*
dtype0*
shape:
2
opSqueezex0*
squeeze_dims
*
T0"ª