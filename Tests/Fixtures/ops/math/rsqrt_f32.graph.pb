
3
x0Placeholder*
shape
:*
dtype0

opRsqrtx0*
T0"ª