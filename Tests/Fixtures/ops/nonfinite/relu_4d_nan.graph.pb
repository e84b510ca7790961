
;
x0Placeholder*
dtype0*
shape:%

opRelux0*
T0"ª