
;
x0Placeholder*
dtype0*
shape:
D
opSqueezex0*(
squeeze_dims
ÿÿÿÿÿÿÿÿÿþÿÿÿÿÿÿÿÿ*
T0"ª