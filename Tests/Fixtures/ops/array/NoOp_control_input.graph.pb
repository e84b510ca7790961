
/
x0Placeholder*
shape:*
dtype0
5
groupNoOp*&
 _has_manual_control_dependencies(
#
opIdentityx0^group*
T0"ª