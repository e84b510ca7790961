
/
x0Placeholder*
shape:*
dtype0

opFloorx0*
T0"ª