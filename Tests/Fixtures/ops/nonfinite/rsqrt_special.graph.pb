
/
x0Placeholder*
dtype0*
shape:c

opRsqrtx0*
T0"ª