#include "CTFProtos.h"
