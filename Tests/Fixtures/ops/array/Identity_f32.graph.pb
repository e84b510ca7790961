
3
x0Placeholder*
dtype0*
shape
:

opIdentityx0*
T0"ª