
/
x0Placeholder*
shape:*
dtype0
6
opCastx0*

DstT0*
Truncate(*

SrcT0"ª