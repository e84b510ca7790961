
7
x0Placeholder*
shape:*
dtype0
 
opAddNx0*
T0*
N"ª