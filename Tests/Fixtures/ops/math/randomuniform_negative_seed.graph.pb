
0
c0Const*
valueB:*
dtype0
X
opRandomUniformc0*
dtype0*
T0*
seedùÿÿÿÿÿÿÿÿ*
seed2÷ÿÿÿÿÿÿÿÿ"ª