
/
x0Placeholder*
shape:*
dtype0

opSquarex0*
T0"ª