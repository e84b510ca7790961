
3
x0Placeholder*
dtype0*
shape
:
9
c1Const*
dtype0	*
valueB	R
ÿÿÿÿÿÿÿÿÿ
,
opReshapex0c1*
Tshape0	*
T0"ª