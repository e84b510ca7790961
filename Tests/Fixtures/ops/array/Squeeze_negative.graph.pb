
;
x0Placeholder*
shape:*
dtype0
D
opSqueezex0*(
squeeze_dims
ÿÿÿÿÿÿÿÿÿþÿÿÿÿÿÿÿÿ*
T0"ª