
3
x0Placeholder*
shape
:*
dtype0
9
c1Const*
valueB	R
ÿÿÿÿÿÿÿÿÿ*
dtype0	
,
opReshapex0c1*
Tshape0	*
T0"ª