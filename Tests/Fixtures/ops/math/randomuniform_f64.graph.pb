
0
c0Const*
valueB:*
dtype0
F
opRandomUniformc0*
dtype0*
T0*

seed*
seed2"ª