
3
x0Placeholder*
shape
:*
dtype0

opSqrtx0*
T0"ª