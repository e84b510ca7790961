
/
x0Placeholder*
dtype0*
shape:
5
groupNoOp*&
 _has_manual_control_dependencies(
#
opIdentityx0^group*
T0"ª