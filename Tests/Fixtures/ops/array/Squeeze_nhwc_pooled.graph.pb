
;
x0Placeholder*
shape:*
dtype0
2
opSqueezex0*
squeeze_dims
*
T0"ª