
7
x0Placeholder*
shape:*
dtype0
6
opShapex0*
out_type0*
T0:íÏ"ª