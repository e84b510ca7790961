
3
x0Placeholder*
dtype0*
shape
:	

opL2Lossx0*
T0"ª