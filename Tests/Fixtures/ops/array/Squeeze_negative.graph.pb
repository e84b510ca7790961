
;
x0Placeholder*
dtype0*
shape:
D
opSqueezex0*
T0*(
squeeze_dims
ÿÿÿÿÿÿÿÿÿþÿÿÿÿÿÿÿÿ"ª