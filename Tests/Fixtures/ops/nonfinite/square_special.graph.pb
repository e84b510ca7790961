
/
x0Placeholder*
dtype0*
shape:c

opSquarex0*
T0"ª