
/
x0Placeholder*
dtype0*
shape:W

opL2Lossx0*
T0"ª