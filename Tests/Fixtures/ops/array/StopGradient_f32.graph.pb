
/
x0Placeholder*
dtype0*
shape:

opStopGradientx0*
T0"ª