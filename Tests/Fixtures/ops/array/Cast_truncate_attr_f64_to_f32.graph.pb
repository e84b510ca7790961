
/
x0Placeholder*
dtype0*
shape:
6
opCastx0*

DstT0*

SrcT0*
Truncate("ª