
;
x0Placeholder*
dtype0*
shape:
2
opSqueezex0*
T0*
squeeze_dims
"ª