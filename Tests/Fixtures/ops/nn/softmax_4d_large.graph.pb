
;
x0Placeholder*
shape:*
dtype0

opSoftmaxx0*
T0"ª