
/
x0Placeholder*
shape:*
dtype0

opStopGradientx0*
T0"ª