
/
x0Placeholder*
dtype0*
shape:
6
opShapex0*
T0*
out_type0:íÏ"ª